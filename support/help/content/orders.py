"""Articles about orders, provisioning, billing plans, co-terming, overage, bursting and free trials."""

from support.help.content import ArticleSource, ArticleText, french

ARTICLES = [
    ArticleSource(
        slug="provisioning-and-invoices",
        topic="orders",
        position=10,
        en=ArticleText(
            title="Provisioning starts billing: several invoices for one order",
            summary="An invoice goes out once every product of the order is provisioned, or 15 days after the first activation, whichever comes first.",
            body="""Billing starts when a service is activated (provisioned). Provisioning takes more or less time depending on the product, even within one order.

We send the invoice once every product of the order is provisioned, or 15 days after the first activation, whichever comes first. If activation takes longer than 15 days, the order is billed on several invoices. Services not yet provisioned are not invoiced, and the invoice date is the day the invoice is issued, never a future date.

The order number is printed in each line's description; one subscription can hold several orders. The Orders page shows each order's provisioning progress and the invoices still to come.""",
            keywords="order provisioning provisioned activation activated status when invoiced billed 15 days several invoices one order multiple invoices order number where",
        ),
        fr=ArticleText(
            title="Le provisionnement déclenche la facturation : plusieurs factures pour une commande",
            summary="La facture part quand tous les produits de la commande sont provisionnés, ou 15 jours après la première activation, au premier des deux termes.",
            body=french("""La facturation commence à l'activation d'un service (le provisionnement). Son délai varie selon les produits, même au sein d'une commande.

Nous envoyons la facture quand tous les produits de la commande sont provisionnés, ou 15 jours après la première activation, selon ce qui arrive en premier. Si l'activation dure plus de 15 jours, la commande est facturée en plusieurs fois. Les services non provisionnés ne sont pas facturés, et la date de facture est celle de son émission, jamais une date future.

Le numéro de commande figure dans la description de chaque ligne ; un abonnement peut regrouper plusieurs commandes. La page Commandes montre l'avancement du provisionnement de chaque commande et les factures à venir."""),
            keywords="commande provisionnement provisionne activation active statut quand facture facturee 15 jours plusieurs factures pour une seule commande numero de commande ou",
        ),
    ),
    ArticleSource(
        slug="billing-plans",
        topic="orders",
        position=20,
        en=ArticleText(
            title="Billing plans and billing frequency",
            summary="The contract value, the term and the billing frequency make the plan: 120 000 USD over three years billed annually in advance is three invoices of 40 000 USD.",
            body="""All services of a subscription are billed together. The billing plan follows from three things: the total contract value, the subscription term and the billing frequency (annually, quarterly or monthly in advance, or monthly in arrears for pay-as-you-go usage).

Example: a contract of 120 000 USD over three years billed annually in advance gives three invoices of 40 000 USD.

With a non-standard term, each invoice is the total value divided evenly by the term in months, times the months of the billing frequency. A 55-month contract worth 3 250 USD billed annually in advance starts with 3 250 / 55 × 12 = 709 USD, even if the first year's commitment is 250 USD. The phased breakdown on an order document summarises the credits you may consume per period; it is not an invoice schedule.

Invoices follow your contract's terms: changing the billing frequency needs a contract amendment through your sales representative.""",
            keywords="billing plan 120000 40000 years frequency annual quarterly monthly in advance arrears schedule how many invoices term non standard 55 months 709 change frequency amendment ramp phased",
        ),
        fr=ArticleText(
            title="Plan et fréquence de facturation",
            summary="Valeur du contrat, durée et fréquence de facturation font le plan : 120 000 USD sur trois ans, facturés annuellement d'avance, donnent trois factures de 40 000 USD.",
            body=french("""Tous les services d'un abonnement sont facturés ensemble. Le plan de facturation découle de trois éléments : la valeur totale du contrat, la durée de l'abonnement et la fréquence de facturation (annuelle, trimestrielle ou mensuelle d'avance, ou mensuelle à terme échu pour l'usage à la consommation).

Exemple : un contrat de 120 000 USD sur trois ans facturé annuellement d'avance donne trois factures de 40 000 USD.

Avec une durée non standard, chaque facture vaut la valeur totale divisée également par la durée en mois, multipliée par le nombre de mois de la fréquence. Un contrat de 55 mois valant 3 250 USD facturé annuellement d'avance commence par 3 250 / 55 × 12 = 709 USD, même si l'engagement de la première année est de 250 USD. La ventilation par phase du document de commande résume les crédits consommables par période ; ce n'est pas un échéancier de factures.

Les factures suivent les termes du contrat : changer la fréquence de facturation demande un avenant, via votre commercial."""),
            keywords="plan de facturation frequence annuelle trimestrielle mensuelle d avance terme echu echeancier combien de factures duree non standard 55 mois 709 changer frequence avenant phase",
        ),
    ),
    ArticleSource(
        slug="add-ons-and-co-terming",
        topic="orders",
        position=30,
        en=ArticleText(
            title="Adding services and co-terming",
            summary="Services added to a subscription end on the same day as the others and are prorated for their shorter period.",
            body="""Every product of a subscription ends on the same day: this is co-terming. A product provisioned later therefore has a shorter service period than the order shows, and its price is prorated. For example, PaaS from 1 January to 31 December (12 months) costs 24 000 USD, and SaaS from 1 February to 31 December (11 months) costs 22 000 USD.

To add services to a subscription, either accept an invoice for the rest of the current billing period, after which the new services are consolidated on the subscription's future invoices, or pay the add-on in full when you buy it, even if the subscription is billed annually or quarterly in advance.

Shared-capacity products are not prorated: everything bought can be used at any time during the service period.""",
            keywords="add services add on extension upgrade co-terming coterm same end date prorated prorata shorter period paas saas consolidated pay in full",
        ),
        fr=ArticleText(
            title="Ajouter des services et alignement des dates (co-terming)",
            summary="Les services ajoutés à un abonnement se terminent le même jour que les autres et sont calculés au prorata.",
            body=french("""Tous les produits d'un abonnement se terminent le même jour : c'est l'alignement des dates (co-terming). Un produit provisionné plus tard a donc une période de service plus courte que celle de la commande, et son prix est calculé au prorata. Par exemple, un PaaS du 1er janvier au 31 décembre (12 mois) coûte 24 000 USD, et un SaaS du 1er février au 31 décembre (11 mois) 22 000 USD.

Pour ajouter des services à un abonnement, vous pouvez recevoir une facture pour le reste de la période de facturation en cours, puis les nouveaux services sont regroupés sur les factures suivantes de l'abonnement, ou bien payer l'extension en totalité à l'achat, même si l'abonnement est facturé annuellement ou trimestriellement d'avance.

Les produits à capacité partagée ne sont pas proratisés : tout ce qui est acheté peut être utilisé à tout moment de la période de service."""),
            keywords="ajouter services extension complement co-terming alignement des dates meme date de fin prorata periode plus courte paas saas regroupe payer en totalite",
        ),
    ),
    ArticleSource(
        slug="overage-and-bursting",
        topic="orders",
        position=40,
        en=ArticleText(
            title="Overage and bursting",
            summary="Usage above your commitment, and bursting up to twice your subscription, are billed monthly in arrears.",
            body="""Overage is usage above the universal credits you committed to. It is billed monthly in arrears, like any consumption. It can also appear when an extension order is activated after your initial subscription ended.

Bursting is using more capacity than your subscription rate on some non-metered services. The total (subscription plus burst) can never exceed twice the subscription: with 4 OCPUs a month, you can burst to 8 OCPUs in total. Bursting is billed by the hour, monthly in arrears, at the pay-as-you-go list price.

PaaS and IaaS subscriptions do not expire: keep using the service after the initial term and your original prices and discounts still apply to that usage.""",
            keywords="overage over usage exceed commitment credits consumed extra charges bursting burst capacity ocpu twice double arrears pay as you go subscription expire after term",
        ),
        fr=ArticleText(
            title="Dépassement et éclatement (bursting)",
            summary="L'usage au-delà de votre engagement, et l'éclatement jusqu'au double de l'abonnement, sont facturés mensuellement à terme échu.",
            body=french("""Le dépassement est l'usage au-delà des crédits universels engagés. Il est facturé chaque mois à terme échu, comme toute consommation. Il peut aussi apparaître quand une commande d'extension est activée après la fin de l'abonnement initial.

L'éclatement (bursting) consiste à utiliser plus de capacité que le taux de l'abonnement sur certains services non mesurés. Le total (abonnement plus éclatement) ne peut jamais dépasser le double de l'abonnement : avec 4 OCPU par mois, vous pouvez monter à 8 OCPU au total. L'éclatement est facturé à l'heure, mensuellement à terme échu, au tarif à l'utilisation en vigueur.

Les abonnements PaaS et IaaS n'expirent pas : continuez à utiliser le service après la période initiale, vos prix et remises d'origine s'appliquent à cet usage."""),
            keywords="depassement surconsommation consommation au dela engagement credits frais supplementaires eclatement bursting capacite ocpu double terme echu paiement a l utilisation abonnement expire fin",
        ),
    ),
    ArticleSource(
        slug="free-trial-and-pay-as-you-go",
        topic="orders",
        position=50,
        en=ArticleText(
            title="After the free cloud promotion",
            summary="When free promotion credits run out the cloud account is paused; upgrade to pay-as-you-go or stop.",
            body="""When the free cloud services promotion is used up, the cloud account is paused. You then choose to continue with pay-as-you-go billing or to stop using the services.

If you do not upgrade, the account is decommissioned and its data deleted after a grace period. If you upgrade, you are billed for what you actually consume, at the current pay-as-you-go list price, monthly in arrears under the payment terms of your agreement.

The promotion's end date is shown in your cloud account.""",
            keywords="free trial promotion credits run out paused upgrade pay as you go payg data deleted end date free tier",
        ),
        fr=ArticleText(
            title="Après la promotion cloud gratuite",
            summary="Quand les crédits de la promotion gratuite sont épuisés, le compte cloud est mis en pause : passez au paiement à l'utilisation ou arrêtez.",
            body=french("""Quand la promotion de services cloud gratuits est épuisée, le compte cloud est mis en pause. Vous choisissez alors de continuer avec une facturation à l'utilisation ou d'arrêter les services.

Sans passage au paiement à l'utilisation, le compte est mis hors service et ses données supprimées après un délai de grâce. Si vous passez à l'utilisation, vous êtes facturé pour votre consommation réelle, au tarif à l'utilisation en vigueur, mensuellement à terme échu selon les conditions de paiement de votre accord.

La date de fin de la promotion est visible dans votre compte cloud."""),
            keywords="essai gratuit promotion credits gratuits epuises pause passer au paiement a l utilisation donnees supprimees date de fin",
        ),
    ),
]
