"""Articles about paying: the pay flow, the methods, the card rules, transfers, overpayments."""

from support.help.content import ArticleSource, ArticleText, french

ARTICLES = [
    ArticleSource(
        slug="how-to-pay",
        topic="paying",
        position=10,
        en=ArticleText(
            title="How to pay an invoice online",
            summary="Open Invoices, choose Pay, pick a method and confirm: the confirmation page is your receipt.",
            body="""Sign in and open Invoices from the menu. The Status column tells you which invoices are open, overdue or closed, and the due date of each.

- Tick one or several invoices in the same currency, or open one invoice, and choose Pay.
- Choose how much to pay and the method. On a support renewal invoice you can also enter your Support Rewards code.
- Confirm. A confirmation page opens and a receipt is emailed to you; the invoice balance drops at once for a card or PayPal payment.

Only the billing contact and payers can pay. A viewer sees and downloads invoices but the Pay button is not shown to them: ask the billing contact for the payer role.""",
            keywords="pay payment settle checkout online button pay now how do i pay payer",
        ),
        fr=ArticleText(
            title="Payer une facture en ligne",
            summary="Ouvrez Factures, choisissez Payer, un mode de paiement, puis confirmez : la page de confirmation fait foi.",
            body=french("""Connectez-vous et ouvrez Factures dans le menu. La colonne Statut indique les factures ouvertes, en retard ou clôturées, avec leur date d'échéance.

- Cochez une ou plusieurs factures dans la même devise, ou ouvrez une facture, puis choisissez Payer.
- Indiquez le montant et le mode de paiement. Sur une facture de renouvellement du support, vous pouvez aussi saisir votre code Support Rewards.
- Confirmez. Une page de confirmation s'affiche et un reçu vous est envoyé par e-mail ; le solde baisse aussitôt pour un paiement par carte ou PayPal.

Seuls le contact de facturation et les payeurs peuvent payer. Un lecteur voit et télécharge les factures, sans bouton Payer : demandez au contact de facturation le rôle de payeur."""),
            keywords="payer paiement regler reglement en ligne bouton comment payer payeur",
        ),
    ),
    ArticleSource(
        slug="payment-methods",
        topic="paying",
        position=20,
        en=ArticleText(
            title="Payment methods and where they are offered",
            summary="Card, PayPal and direct debit online where your country allows it; bank transfer, ACH or cheque everywhere else.",
            body="""Online, depending on your country and the invoice currency: credit or debit card (up to {card_limit} per payment), PayPal, and direct debit (SEPA in euros, ACH in US dollars). Local rules decide what is offered: each invoice page lists the methods that apply to it.

Offline: bank transfer, ACH credit or a cheque sent by post, with the bank details printed at the top right of the invoice. Always quote the invoice number with your payment so that it reaches the right invoice.

Where online payment is not offered in your country, only the offline methods are shown. Card and PayPal details you saved are changed from the pay page; to change them otherwise, write to billing support, never with card numbers in an email.""",
            keywords="methods card credit card visa paypal direct debit sepa ach wire bank transfer cheque check which methods country available",
        ),
        fr=ArticleText(
            title="Modes de paiement et pays où ils sont proposés",
            summary="Carte, PayPal et prélèvement en ligne selon votre pays ; sinon virement, ACH ou chèque.",
            body=french("""En ligne, selon votre pays et la devise de la facture : carte bancaire (jusqu'à {card_limit} par paiement), PayPal et prélèvement automatique (SEPA en euros, ACH en dollars US). La réglementation locale décide de ce qui est proposé : chaque page de facture indique les modes qui s'y appliquent.

Hors ligne : virement bancaire, virement ACH ou chèque envoyé par courrier, avec les coordonnées bancaires imprimées en haut à droite de la facture. Indiquez toujours le numéro de facture avec votre paiement pour qu'il arrive sur la bonne facture.

Si le paiement en ligne n'est pas proposé dans votre pays, seuls les modes hors ligne s'affichent. Pour changer une carte ou un compte PayPal enregistré, passez par la page de paiement ou écrivez à l'assistance de facturation, sans jamais mettre de numéro de carte dans un e-mail."""),
            keywords="modes moyens de paiement carte bancaire carte de credit paypal prelevement sepa ach virement cheque quels pays disponibles",
        ),
    ),
    ArticleSource(
        slug="card-limits",
        topic="paying",
        position=30,
        en=ArticleText(
            title="Card limit and the card-only rule for small amounts",
            summary="A card payment is at most {card_limit}; below {card_only_below} the card is the only method where cards are accepted.",
            body="""A single card payment can be up to {card_limit}. For a larger amount, pay by PayPal, direct debit or bank transfer, or pay part of it by card.

Where cards are accepted, any payment under {card_only_below} must be made by card, and so must any invoice whose balance is under that amount. Selecting several small invoices together does not lift the rule: each invoice is judged on its own balance.

The invoice page and the pay page say which of these rules applies and what you can use instead.""",
            keywords="card limit maximum ceiling 100000 100 000 2000 2 000 threshold card only small amount under below combine several invoices why only card",
        ),
        fr=ArticleText(
            title="Plafond de la carte et règle « carte uniquement » sous un seuil",
            summary="Un paiement par carte est limité à {card_limit} ; sous {card_only_below}, la carte est le seul mode accepté là où elle l'est.",
            body=french("""Un paiement par carte peut aller jusqu'à {card_limit}. Au-delà, payez par PayPal, prélèvement ou virement, ou réglez une partie par carte.

Là où la carte est acceptée, tout paiement de moins de {card_only_below} se fait obligatoirement par carte, de même que toute facture dont le solde est inférieur à ce montant. Sélectionner plusieurs petites factures ensemble ne lève pas la règle : chaque facture est jugée sur son propre solde.

La page de la facture et la page de paiement indiquent quelle règle s'applique et ce que vous pouvez utiliser à la place."""),
            keywords="plafond limite carte maximum 100000 100 000 2000 2 000 seuil carte uniquement petit montant moins de plusieurs factures combiner pourquoi seulement carte",
        ),
    ),
    ArticleSource(
        slug="transfer-timing",
        topic="paying",
        position=40,
        en=ArticleText(
            title="When a bank transfer reaches us and the invoice closes",
            summary="A card payment is immediate; a transfer takes up to {transfer_days} business days, then {closing_days} more to close the invoice.",
            body="""Card and PayPal payments reach us at once. A bank transfer can take up to {transfer_days} business days to arrive, and the invoice is closed {closing_days} business day later. Weekends and public holidays do not count.

Tell us about your transfer from the invoice page (Announce a transfer): the invoice then shows the date by which it should be closed, and you avoid paying twice.

If more than {total_days} business days have passed since you paid and the invoice is still open, file a late-transfer request with the invoice number, the payment date and the amount paid: the invoice page fills them in for you.""",
            keywords="transfer wire ach arrived received not received late when close closed business days how long delay sent payment not applied still open",
        ),
        fr=ArticleText(
            title="Quand un virement nous parvient et quand la facture est clôturée",
            summary="La carte est immédiate ; un virement prend jusqu'à {transfer_days} jours ouvrables, puis {closing_days} de plus pour clôturer la facture.",
            body=french("""Les paiements par carte et PayPal nous parviennent immédiatement. Un virement bancaire peut mettre jusqu'à {transfer_days} jours ouvrables à arriver, et la facture est clôturée {closing_days} jour ouvrable plus tard. Les week-ends et jours fériés ne comptent pas.

Signalez votre virement depuis la page de la facture (Annoncer un virement) : la facture affiche alors la date à laquelle elle devrait être clôturée, et vous évitez de payer deux fois.

Si plus de {total_days} jours ouvrables se sont écoulés depuis votre paiement et que la facture est toujours ouverte, déposez une demande de virement en retard avec le numéro de facture, la date et le montant du paiement : la page de la facture les remplit pour vous."""),
            keywords="virement vire recu pas recu arrive retard quand cloture cloturee jours ouvrables delai combien de temps paiement envoye pas pris en compte toujours ouverte",
        ),
    ),
    ArticleSource(
        slug="overpayment-refund",
        topic="paying",
        position=50,
        en=ArticleText(
            title="Overpayments, account credit and refunds",
            summary="Money paid beyond an invoice's balance becomes account credit: apply it to other invoices or ask for a refund.",
            body="""If you paid more than an invoice's balance, or paid an invoice twice, the extra becomes account credit, shown on your dashboard and on the Payments page.

- Apply the credit to your other open invoices in the same currency, oldest first.
- With no open invoice left, ask for a refund from the Payments page; billing support approves it and the money goes back the way it came.

Support Rewards are never refunded in cash: rewards taken back from an invoice return to their lots.""",
            keywords="overpaid overpayment paid twice double payment too much credit balance account credit refund money back reimburse",
        ),
        fr=ArticleText(
            title="Trop-perçu, avoir sur compte et remboursement",
            summary="Ce qui est payé au-delà du solde d'une facture devient un crédit sur votre compte : appliquez-le à d'autres factures ou demandez un remboursement.",
            body=french("""Si vous avez payé plus que le solde d'une facture, ou payé deux fois, l'excédent devient un crédit sur votre compte, visible sur le tableau de bord et la page Paiements.

- Appliquez ce crédit à vos autres factures ouvertes dans la même devise, les plus anciennes d'abord.
- S'il ne reste aucune facture ouverte, demandez un remboursement depuis la page Paiements ; l'assistance de facturation l'approuve et l'argent repart par le moyen utilisé.

Les Support Rewards ne sont jamais remboursés en espèces : des récompenses retirées d'une facture retournent dans leurs lots."""),
            keywords="trop percu trop paye paye deux fois double paiement credit avoir remboursement rembourser remboursee argent",
        ),
    ),
]
