"""Articles about invoices: delivery, finding and downloading them, status, and why an amount differs."""

from support.help.content import ArticleSource, ArticleText, french

ARTICLES = [
    ArticleSource(
        slug="invoice-delivery",
        topic="invoices",
        position=10,
        en=ArticleText(
            title="How and when invoices are sent",
            summary="Invoices are emailed to the billing contact named on the order, with account contacts in copy; they are due 30 days after the invoice date.",
            body="""Each invoice is emailed to the billing contact given on the order or contract, with the account's dunning and account contacts in copy. Check that this address is right when you order: it is where invoices go.

An invoice is issued once products are delivered or services are provisioned, and before some services start, such as consulting. Different products of one purchase may be billed on separate invoices.

Invoices are due Net 30: thirty days after the invoice date, unless your contract says otherwise. Some countries also receive an electronic invoice (Factur-X or UBL) to meet legal requirements. We do not issue pro forma invoices, nor invoices before an order is received and processed. The invoice layout and email changed with our rebranding; the content and the amounts did not.""",
            keywords="invoice sent email delivered receive not received didnt get never got never arrived where who receives invoices due date net 30 payment terms pro forma e-invoice factur-x rebranding new format",
        ),
        fr=ArticleText(
            title="Comment et quand les factures sont envoyées",
            summary="Les factures partent par e-mail au contact de facturation indiqué sur la commande, contacts du compte en copie ; elles sont payables à 30 jours.",
            body=french("""Chaque facture est envoyée par e-mail au contact de facturation indiqué sur la commande ou le contrat, avec en copie les contacts de relance et de compte. Vérifiez cette adresse au moment de commander : c'est là que partent les factures.

Une facture est émise après la livraison des produits ou l'activation des services, et avant le démarrage de certains services comme le conseil. Les produits d'un même achat peuvent être facturés séparément.

Les factures sont payables à 30 jours date de facture, sauf clause contraire du contrat. Dans certains pays, une facture électronique (Factur-X ou UBL) est aussi transmise pour répondre aux obligations légales. Nous n'émettons pas de facture pro forma, ni de facture avant la réception et le traitement d'une commande. La mise en page des factures et de l'e-mail a changé avec notre nouvelle marque ; le contenu et les montants, non."""),
            keywords="facture envoyee email recue pas recue ou qui recoit les factures echeance 30 jours conditions de paiement pro forma facture electronique factur-x nouvelle marque nouveau format",
        ),
    ),
    ArticleSource(
        slug="download-invoice",
        topic="invoices",
        position=20,
        en=ArticleText(
            title="Find and download an invoice",
            summary="Invoices lists every invoice with filters and search; open one and choose Download for its PDF.",
            body="""Open Invoices from the menu. Filter by status, date or currency, search by invoice, order or PO number, and sort by any column. Small marks beside the balance due show where credits or Support Rewards were applied.

Click an invoice to see its lines, what was paid, and the remittance details. Choose Download to save the PDF; where electronic invoicing applies, the Factur-X PDF and the XML are offered too. The whole filtered list can also be exported as CSV.

Every member of the account, viewers included, can download invoices.""",
            keywords="download pdf copy invoice get print save find invoice list export csv where is my invoice duplicate",
        ),
        fr=ArticleText(
            title="Retrouver et télécharger une facture",
            summary="Factures liste toutes vos factures avec filtres et recherche ; ouvrez-en une et choisissez Télécharger pour le PDF.",
            body=french("""Ouvrez Factures dans le menu. Filtrez par statut, date ou devise, cherchez par numéro de facture, de commande ou de bon de commande, et triez par n'importe quelle colonne. De petites marques à côté du solde dû signalent les crédits ou Support Rewards appliqués.

Cliquez sur une facture pour voir ses lignes, ce qui a été payé et les coordonnées de règlement. Choisissez Télécharger pour enregistrer le PDF ; là où la facture électronique s'applique, le PDF Factur-X et le XML sont aussi proposés. La liste filtrée peut être exportée en CSV.

Tous les membres du compte, lecteurs compris, peuvent télécharger les factures."""),
            keywords="telecharger pdf copie facture obtenir imprimer enregistrer retrouver liste export csv ou est ma facture duplicata",
        ),
    ),
    ArticleSource(
        slug="invoice-status",
        topic="invoices",
        position=30,
        en=ArticleText(
            title="What an invoice's status means",
            summary="Open, overdue, closed, disputed or cancelled: what each status says about the balance.",
            body="""- Open: a balance is due and the due date has not passed.
- Overdue: the due date has passed and a balance is still due. Reminders are emailed before and after the due date.
- Closed: nothing is left to pay.
- Disputed: billing support is reviewing a dispute; the balance stays shown but reminders pause.
- Cancelled: a credit memo took the balance to zero; anything paid on it goes to your other invoices or is refunded.

The dashboard adds up the balance due and what is overdue for the account.""",
            keywords="status open overdue late past due closed paid disputed cancelled meaning what does status mean reminder",
        ),
        fr=ArticleText(
            title="Ce que signifie le statut d'une facture",
            summary="Ouverte, en retard, clôturée, contestée ou annulée : ce que chaque statut dit du solde.",
            body=french("""- Ouverte : un solde est dû et l'échéance n'est pas passée.
- En retard : l'échéance est passée et un solde reste dû. Des rappels sont envoyés avant et après l'échéance.
- Clôturée : il ne reste rien à payer.
- Contestée : l'assistance de facturation examine un litige ; le solde reste affiché mais les rappels sont suspendus.
- Annulée : une note de crédit a ramené le solde à zéro ; ce qui avait été payé va à vos autres factures ou vous est remboursé.

Le tableau de bord totalise le solde dû et ce qui est en retard pour le compte."""),
            keywords="statut ouverte en retard echue impayee cloturee payee contestee litige annulee signification que veut dire rappel relance",
        ),
    ),
    ArticleSource(
        slug="invoice-amount-differs",
        topic="invoices",
        position=40,
        en=ArticleText(
            title="Why an invoice does not match the order or the PO",
            summary="Several invoices per order, services not yet provisioned, co-terming and billing plans explain most differences.",
            body="""An invoice amount can differ from the order document or your purchase order for several reasons:

- Each product is billed when it is provisioned, so one order can give several invoices.
- The time before a service is activated is never billed: a late activation means a smaller invoice.
- Products added to a subscription end on the same day as the others (co-terming), so they are prorated.
- The billing plan splits the contract value by the billing frequency, so one invoice is a share of the order.

The line description repeats the order document, which is the contract. A PO should carry the value of the order document (its NET value if you issue it net). Open an invoice and use "Why this amount?" for the arithmetic with your own figures, or ask billing support for a full explanation of the invoices of an order.""",
            keywords="amount wrong different does not match order po purchase order why this amount smaller bigger higher lower explanation several invoices one order prorated",
        ),
        fr=ArticleText(
            title="Pourquoi une facture ne correspond pas à la commande ou au bon de commande",
            summary="Plusieurs factures par commande, services pas encore activés, co-terming et plan de facturation expliquent la plupart des écarts.",
            body=french("""Le montant d'une facture peut différer du document de commande ou de votre bon de commande pour plusieurs raisons :

- Chaque produit est facturé à son provisionnement, donc une commande peut donner plusieurs factures.
- La période avant l'activation d'un service n'est jamais facturée : une activation tardive donne une facture plus petite.
- Les produits ajoutés à un abonnement se terminent le même jour que les autres (co-terming) et sont donc calculés au prorata.
- Le plan de facturation répartit la valeur du contrat selon la fréquence de facturation : une facture n'est qu'une part de la commande.

La description de la ligne reprend le document de commande, qui fait foi. Un bon de commande doit porter la valeur du document de commande (sa valeur NETTE si vous l'émettez en net). Ouvrez une facture et utilisez « Pourquoi ce montant ? » pour voir le calcul avec vos chiffres, ou demandez à l'assistance de facturation l'explication complète des factures d'une commande."""),
            keywords="montant faux different ne correspond pas commande bon de commande pourquoi ce montant plus petit plus eleve explication plusieurs factures une commande prorata",
        ),
    ),
]
