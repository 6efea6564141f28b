"""Articles about Support Rewards: the programme, earning, expiry, redeeming and which invoices they pay."""

from support.help.content import ArticleSource, ArticleText, french

ARTICLES = [
    ArticleSource(
        slug="rewards-overview",
        topic="rewards",
        position=10,
        en=ArticleText(
            title="What Support Rewards are and who can join",
            summary="Earn {rewards_rate}% of your eligible OCI spend ({rewards_rate_ula}% with an unlimited license agreement) and use it to pay support invoices.",
            body="""With Support Rewards, the more you use Oracle Cloud Infrastructure (OCI), the more you save on software support. Enrolled customers earn {rewards_rate}% of their eligible OCI spend in rewards, or {rewards_rate_ula}% with an active unlimited license agreement (ULA): 25 or 33 USD for every 100 USD consumed. There is no ceiling on what you can earn.

Rewards are a payment method for your software license support invoices, which they can bring down to zero before tax.

Customers who run on-premises software join when they place a new universal credits order and start using OCI; the terms are written into that order and its successors until you leave the programme. Pay-as-you-go OCI customers cannot join for now. The programme is open in every region except China and the US federal public sector; US public-sector customers who cannot take part may get discounts on support renewals instead. To enrol, ask your sales representative.""",
            keywords="support rewards programme program what are rewards rate 25 33 percent ula unlimited license agreement enroll join eligible customers china federal pay as you go",
        ),
        fr=ArticleText(
            title="Ce que sont les Support Rewards et qui peut en bénéficier",
            summary="Gagnez {rewards_rate} % de vos dépenses OCI éligibles ({rewards_rate_ula} % avec un contrat de licence illimitée) et payez-en vos factures de support.",
            body=french("""Avec les Support Rewards, plus vous utilisez Oracle Cloud Infrastructure (OCI), plus vous économisez sur le support logiciel. Les clients inscrits gagnent {rewards_rate} % de leurs dépenses OCI éligibles en récompenses, ou {rewards_rate_ula} % avec un contrat de licence illimitée (ULA) en cours : 25 ou 33 USD pour 100 USD consommés. Aucun plafond ne limite ce que vous pouvez cumuler.

Les récompenses sont un mode de paiement de vos factures de support de licences logicielles, qu'elles peuvent ramener à zéro hors taxes.

Les clients qui utilisent des logiciels sur site en bénéficient en passant une nouvelle commande de crédits universels et en commençant à utiliser OCI ; les conditions figurent dans cette commande et les suivantes jusqu'à votre désinscription. Les clients OCI à l'utilisation n'y ont pas accès pour le moment. Le programme est ouvert dans toutes les régions sauf la Chine et le secteur public fédéral américain ; les clients du secteur public américain qui ne peuvent pas y participer peuvent obtenir des remises sur leurs renouvellements de support. Pour vous inscrire, contactez votre commercial."""),
            keywords="support rewards programme recompenses c est quoi gagner taux 25 33 pour cent ula licence illimitee inscription s inscrire eligibles clients chine federal paiement a l utilisation",
        ),
    ),
    ArticleSource(
        slug="rewards-earning",
        topic="rewards",
        position=20,
        en=ArticleText(
            title="How Support Rewards are earned",
            summary="Rewards are calculated at the end of each month on your eligible OCI consumption, and deposited in arrears.",
            body="""Rewards are calculated at the end of each month from that month's eligible OCI consumption and your rate, then deposited on your rewards account. They start once the service period of the new order is active.

Monthly consumption is the unit net price of each eligible service (from the order's price list or the cloud console) times its actual usage. Almost every OCI service counts, whatever runs on it: Oracle software, your own or ISV applications. Third-party offers such as VMware, Microsoft or the Cloud Marketplace do not earn rewards, nor do cloud applications such as Fusion Cloud ERP, even though they run on OCI. Overage counts like any other consumption.

Rewards earned on several cloud subscriptions are pooled and can pay the same invoice. You can also follow them in the cloud console under Billing & Cost Management, Support Rewards.""",
            keywords="earn earned earning accrue accrual how calculated month end deposited consumption eligible services vmware microsoft marketplace fusion erp overage count subscriptions pooled",
        ),
        fr=ArticleText(
            title="Comment les Support Rewards sont acquis",
            summary="Les récompenses sont calculées à la fin de chaque mois sur votre consommation OCI éligible, puis déposées à terme échu.",
            body=french("""Les récompenses sont calculées à la fin de chaque mois à partir de la consommation OCI éligible du mois et de votre taux, puis déposées sur votre compte de récompenses. Elles commencent quand la période de service de la nouvelle commande est active.

La consommation mensuelle est le prix net unitaire de chaque service éligible (grille tarifaire de la commande ou console cloud) multiplié par son usage réel. Presque tous les services OCI comptent, quel que soit ce qui y tourne : logiciels Oracle, applications maison ou d'éditeurs. Les offres tierces comme VMware, Microsoft ou la Cloud Marketplace ne rapportent pas de récompenses, pas plus que les applications cloud comme Fusion Cloud ERP, même si elles tournent sur OCI. Le dépassement compte comme toute autre consommation.

Les récompenses gagnées sur plusieurs abonnements cloud s'additionnent et peuvent payer la même facture. Vous pouvez aussi les suivre dans la console cloud, sous Billing & Cost Management, Support Rewards."""),
            keywords="gagner acquerir cumuler acquisition comment calcule fin de mois depose consommation services eligibles vmware microsoft marketplace fusion erp depassement compte abonnements cumules",
        ),
    ),
    ArticleSource(
        slug="rewards-expiry",
        topic="rewards",
        position=30,
        en=ArticleText(
            title="When Support Rewards expire",
            summary="Rewards stay valid {rewards_validity_months} months after they are deposited; the ones that expire first are used first.",
            body="""Rewards are valid for {rewards_validity_months} months from the day they are deposited on your rewards account; unused rewards expire at the end of that period. For example, rewards deposited at the end of December 2021 expire at the end of December 2022.

When you redeem, the rewards with the nearest expiry date are used first. Expired rewards cannot be brought back.

The Rewards page lists each lot with its expiry date, and the billing contact is emailed a reminder 30 days before rewards expire. Ask the assistant "when do my rewards expire" for your next expiry date and amount.""",
            keywords="expire expiry expiration valid validity 12 months when lose use before deadline reactivate expired earliest first oldest lot",
        ),
        fr=ArticleText(
            title="Quand les Support Rewards expirent",
            summary="Les récompenses restent valables {rewards_validity_months} mois après leur dépôt ; celles qui expirent le plus tôt sont utilisées en premier.",
            body=french("""Les récompenses sont valables {rewards_validity_months} mois à compter de leur dépôt sur votre compte de récompenses ; non utilisées, elles expirent à la fin de cette période. Par exemple, des récompenses déposées fin décembre 2021 expirent fin décembre 2022.

Lors d'un échange, les récompenses dont l'expiration est la plus proche sont utilisées en premier. Des récompenses expirées ne peuvent pas être réactivées.

La page Récompenses liste chaque lot avec sa date d'expiration, et le contact de facturation reçoit un rappel par e-mail 30 jours avant l'expiration. Demandez à l'assistant « quand expirent mes récompenses » pour connaître votre prochaine échéance et son montant."""),
            keywords="expirer expiration expirent validite valable 12 mois quand perdre utiliser avant date limite reactiver expirees plus proche en premier lot",
        ),
    ),
    ArticleSource(
        slug="rewards-redeem",
        topic="rewards",
        position=40,
        en=ArticleText(
            title="How to redeem Support Rewards on an invoice",
            summary="Enter the rewards code emailed to the billing contact on the pay page of a support invoice.",
            body="""The billing contact receives an email with the rewards amount and a code. To redeem, open an eligible support invoice, choose Pay and enter the code, or use Redeem on the Rewards page. Payers and billing contacts can redeem; viewers cannot.

Rewards are a payment, not a credit note: no credit memo and no new invoice are issued. The billing contact gets an email confirming what was redeemed, the total redeemed so far and the balance still due on the invoice.

The Rewards page shows your balance, each lot and the whole rewards activity, which you can export as CSV.""",
            keywords="redeem use apply rewards code where enter code pay with rewards rewards activity history confirmation email credit memo new invoice balance",
        ),
        fr=ArticleText(
            title="Utiliser ses Support Rewards sur une facture",
            summary="Saisissez le code de récompenses envoyé au contact de facturation sur la page de paiement d'une facture de support.",
            body=french("""Le contact de facturation reçoit un e-mail avec le montant des récompenses et un code. Pour les échanger, ouvrez une facture de support éligible, choisissez Payer et saisissez le code, ou utilisez Échanger sur la page Récompenses. Les payeurs et le contact de facturation peuvent échanger ; les lecteurs non.

Les récompenses sont un paiement, pas un avoir : aucune note de crédit ni nouvelle facture n'est émise. Le contact de facturation reçoit un e-mail confirmant le montant échangé, le cumul échangé à ce jour et le solde restant dû sur la facture.

La page Récompenses affiche votre solde, chaque lot et toute l'activité, exportable en CSV."""),
            keywords="echanger utiliser appliquer recompenses code ou saisir le code payer avec recompenses activite historique e-mail de confirmation note de credit nouvelle facture solde",
        ),
    ),
    ArticleSource(
        slug="rewards-eligible-invoices",
        topic="rewards",
        position=50,
        en=ArticleText(
            title="Which invoices and amounts Support Rewards can pay (taxes excluded)",
            summary="Only Technology Programs support renewals, before tax; not Java, MySQL subscriptions or Oracle Linux.",
            body="""Rewards pay only Software Update License & Support renewals of Oracle Technology Programs, and only their amount before tax: taxes and other lines stay due and are paid another way.

Products sold as a subscription that bundles license and support, such as Java and some MySQL offers, are excluded, and so are Oracle Linux products. Cloud, license, consulting and usage invoices cannot be paid with rewards.

Rewards cannot be exchanged for cash or any other currency. The invoice page lists, line by line, why rewards do not apply; ask the assistant "why can't I use rewards on INV-…" for a given invoice.""",
            keywords="eligible invoice which invoices not eligible cannot use rewards why java mysql linux tax before tax technology programs support renewal cash exchange",
        ),
        fr=ArticleText(
            title="Quelles factures et quels montants les Support Rewards peuvent payer (hors taxes)",
            summary="Seulement les renouvellements de support Technology Programs, hors taxes ; pas Java, les abonnements MySQL ni Oracle Linux.",
            body=french("""Les récompenses ne paient que les renouvellements Software Update License & Support des Oracle Technology Programs, et seulement leur montant hors taxes : les taxes et les autres lignes restent dues et se règlent autrement.

Les produits vendus en abonnement regroupant licence et support, comme Java et certaines offres MySQL, sont exclus, de même que les produits Oracle Linux. Les factures cloud, de licence, de conseil ou d'usage ne peuvent pas être payées avec des récompenses.

Les récompenses ne s'échangent ni contre des espèces ni contre une autre devise. La page de la facture indique, ligne par ligne, pourquoi les récompenses ne s'appliquent pas ; demandez à l'assistant « pourquoi pas de récompenses sur INV-… » pour une facture donnée."""),
            keywords="eligible facture quelles factures non eligible pas utiliser recompenses pourquoi java mysql linux taxes hors taxes technology programs renouvellement support especes echange",
        ),
    ),
]
