"""Articles about what billing support handles: disputes, PO and VAT numbers, billing details, cancellation."""

from support.help.content import ArticleSource, ArticleText, french

ARTICLES = [
    ArticleSource(
        slug="disputes",
        topic="requests",
        position=10,
        en=ArticleText(
            title="Disputing an invoice",
            summary="File a dispute from the invoice; if it is upheld you receive a credit memo, and a new invoice where needed.",
            body="""If an invoice is wrong, open it and choose Dispute, or ask the assistant to dispute it: the request form opens with the invoice filled in. Say which lines or amount you contest and why, and attach documents if you have them. The invoice shows as disputed and reminders pause while billing support reviews it.

If the dispute is upheld you receive a credit memo, and a new invoice when one must be reissued; what you already paid on the first invoice pays the new one. If the disputed invoice is simply cancelled, what you paid on it goes to your other open invoices, or is refunded when none is left.

The same applies to an invoice you already paid.""",
            keywords="dispute contest disagree wrong invoice incorrect error challenge complaint credit memo credit note reissue paid invoice",
        ),
        fr=ArticleText(
            title="Contester une facture",
            summary="Ouvrez un litige depuis la facture ; s'il est fondé, vous recevez une note de crédit et, si besoin, une nouvelle facture.",
            body=french("""Si une facture est erronée, ouvrez-la et choisissez Contester, ou demandez à l'assistant de la contester : le formulaire s'ouvre avec la facture déjà remplie. Indiquez les lignes ou le montant contestés et pourquoi, et joignez vos justificatifs. La facture passe en litige et les rappels sont suspendus pendant l'examen par l'assistance de facturation.

Si le litige est fondé, vous recevez une note de crédit, et une nouvelle facture quand il faut la réémettre ; ce que vous aviez payé sur la première facture règle la nouvelle. Si la facture contestée est simplement annulée, ce que vous aviez payé va à vos autres factures ouvertes, ou vous est remboursé s'il n'en reste aucune.

Il en va de même pour une facture déjà payée."""),
            keywords="contester litige desaccord facture erronee fausse erreur reclamation note de credit avoir reemise facture payee",
        ),
    ),
    ArticleSource(
        slug="po-number",
        topic="requests",
        position=20,
        en=ArticleText(
            title="Purchase order (PO) numbers on invoices",
            summary="A PO given with the order is printed on the invoice; ask billing support to carry a PO on future invoices.",
            body="""If you gave a purchase order number when ordering, it is printed on the invoice. If not, ask billing support to put a PO number on your future invoices: the request form asks for the PO number, its value and how long it is valid. Once accepted, it is printed on the next invoices.

The PO value should match the value of the order document, or its NET value if you issue POs net. The reference POEF-1 on an order confirms that your company does not issue purchase orders.""",
            keywords="po purchase order number bon de commande add po missing po future invoices poef-1 value net reference",
        ),
        fr=ArticleText(
            title="Numéros de bon de commande (PO) sur les factures",
            summary="Un bon de commande donné à la commande figure sur la facture ; demandez à l'assistance de le reprendre sur les prochaines factures.",
            body=french("""Si vous avez fourni un numéro de bon de commande en commandant, il figure sur la facture. Sinon, demandez à l'assistance de facturation de faire figurer un numéro de bon de commande sur vos prochaines factures : le formulaire demande le numéro, sa valeur et sa durée de validité. Une fois accepté, il est imprimé sur les factures suivantes.

La valeur du bon de commande doit correspondre à celle du document de commande, ou à sa valeur NETTE si vous émettez vos bons en net. La référence POEF-1 sur une commande confirme que votre entreprise n'émet pas de bon de commande."""),
            keywords="bon de commande po numero ajouter po manquant prochaines factures poef-1 valeur nette reference commande fournisseur",
        ),
    ),
    ArticleSource(
        slug="vat-and-billing-details",
        topic="requests",
        position=30,
        en=ArticleText(
            title="VAT number, billing address and payment details",
            summary="Changes to tax number, address, legal name or saved payment details go through a billing-support request.",
            body="""To print a new VAT or tax number on your invoices, file a tax-number request with the number and attach the VAT certificate where one exists. For a new billing address or legal name, file a billing-details request.

To change the card or PayPal account used for automatic payment, save a new one from the Payments page or ask billing support. Given how sensitive payment data is, never put card numbers in an email or a request.

Invoices follow the terms of your contract: changing how often you are billed needs a contract amendment through your sales representative.""",
            keywords="vat tax number tva certificate billing address legal name company name change update details card details paypal account saved card sensitive",
        ),
        fr=ArticleText(
            title="Numéro de TVA, adresse de facturation et moyens de paiement",
            summary="Changer de numéro fiscal, d'adresse, de raison sociale ou de moyen de paiement enregistré passe par une demande à l'assistance.",
            body=french("""Pour faire figurer un nouveau numéro de TVA ou fiscal sur vos factures, déposez une demande de numéro fiscal avec le numéro, en joignant le certificat de TVA le cas échéant. Pour une nouvelle adresse de facturation ou raison sociale, déposez une demande de changement des informations de facturation.

Pour changer la carte ou le compte PayPal utilisé pour le paiement automatique, enregistrez-en un nouveau depuis la page Paiements ou demandez à l'assistance de facturation. Vu la sensibilité des données de paiement, ne mettez jamais de numéro de carte dans un e-mail ou une demande.

Les factures suivent les termes de votre contrat : changer la fréquence de facturation demande un avenant, via votre commercial."""),
            keywords="tva numero de tva numero fiscal certificat adresse de facturation raison sociale nom de societe changer mettre a jour informations carte paypal carte enregistree",
        ),
    ),
    ArticleSource(
        slug="cancellation-and-service-credits",
        topic="requests",
        position=40,
        en=ArticleText(
            title="Cancelling services and service credits",
            summary="To cancel cloud services or claim service credits your contract allows, file a request or contact your sales representative.",
            body="""To cancel cloud services, file a cancellation request or contact your sales representative; billing support tells you what happens to the invoices still to come.

If your contract has a clause that lets you claim service credits, file a service-credit request quoting it, or ask your sales representative.""",
            keywords="cancel cancellation terminate stop services end subscription unsubscribe service credits sla credit clause",
        ),
        fr=ArticleText(
            title="Résilier des services et crédits de service",
            summary="Pour résilier des services cloud ou demander les crédits de service prévus au contrat, déposez une demande ou contactez votre commercial.",
            body=french("""Pour résilier des services cloud, déposez une demande de résiliation ou contactez votre commercial ; l'assistance de facturation vous indique ce que deviennent les factures à venir.

Si votre contrat comporte une clause permettant de demander des crédits de service, déposez une demande de crédit de service en la citant, ou adressez-vous à votre commercial."""),
            keywords="resilier resiliation annuler arreter services fin d abonnement desabonner credits de service sla clause",
        ),
    ),
    ArticleSource(
        slug="contact-billing-support",
        topic="requests",
        position=50,
        en=ArticleText(
            title="Getting help from billing support",
            summary="Ask the assistant first; it answers from your account and opens the right request form when a person is needed.",
            body="""The assistant, on every page, answers questions about your balance, invoices, transfers, rewards and orders from your own account, with a link to the page that shows it.

When a person is needed (a dispute, a VAT or PO change, a cancellation, a refund), it opens the right request form already filled in; ask it to "talk to someone" and it files a request with your conversation attached. Always quote the invoice number, and never send card details.""",
            keywords="help contact billing support talk to someone human person agent email phone chat assistant question request",
        ),
        fr=ArticleText(
            title="Obtenir de l'aide de l'assistance de facturation",
            summary="Interrogez d'abord l'assistant : il répond à partir de votre compte et ouvre le bon formulaire quand il faut une personne.",
            body=french("""L'assistant, présent sur chaque page, répond à vos questions sur votre solde, vos factures, vos virements, vos récompenses et vos commandes à partir de votre propre compte, avec un lien vers la page correspondante.

Quand il faut une personne (un litige, un changement de TVA ou de bon de commande, une résiliation, un remboursement), il ouvre le bon formulaire déjà rempli ; demandez-lui de « parler à quelqu'un » et il dépose une demande avec votre conversation jointe. Indiquez toujours le numéro de facture, et n'envoyez jamais de données de carte."""),
            keywords="aide contacter assistance facturation parler a quelqu un humain conseiller personne email telephone chat assistant question demande",
        ),
    ),
]
