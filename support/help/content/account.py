"""Articles about access: signing in, the billing contact, roles and sharing access with the team."""

from support.help.content import ArticleSource, ArticleText, french

ARTICLES = [
    ArticleSource(
        slug="access-and-sign-in",
        topic="account",
        position=10,
        en=ArticleText(
            title="Getting access to Customer Center",
            summary="Sign in with the email address given when the contract was signed; then share access with your team.",
            body="""Access starts from the email address given when the contract was signed, usually shown on the first page of the order. Create your sign-in with that address and verify it; a second factor (an authenticator app) can protect it.

With access you can see and pay invoices, follow orders, download documents, add team members and ask the assistant. If nobody at your company has access any more, for example because the billing contact left, billing support can grant it to someone else after checking.""",
            keywords="access sign in login log in account create register password cannot sign in no access contract email who has access left the company",
        ),
        fr=ArticleText(
            title="Obtenir l'accès à Customer Center",
            summary="Connectez-vous avec l'adresse e-mail donnée à la signature du contrat, puis partagez l'accès avec votre équipe.",
            body=french("""L'accès part de l'adresse e-mail fournie à la signature du contrat, généralement indiquée en première page de la commande. Créez votre identifiant avec cette adresse et vérifiez-la ; un second facteur (application d'authentification) peut la protéger.

Avec cet accès, vous pouvez consulter et payer les factures, suivre les commandes, télécharger les documents, ajouter des membres de l'équipe et interroger l'assistant. Si plus personne dans votre entreprise n'a accès, par exemple parce que le contact de facturation est parti, l'assistance de facturation peut le donner à quelqu'un d'autre après vérification."""),
            keywords="acces connexion se connecter compte creer inscription mot de passe impossible de me connecter pas d acces email du contrat qui a acces parti de l entreprise",
        ),
    ),
    ArticleSource(
        slug="team-and-roles",
        topic="account",
        position=20,
        en=ArticleText(
            title="Add a teammate and choose their role",
            summary="The billing contact invites people from Team and gives each a role: viewer, payer or billing contact.",
            body="""The billing contact shares access from Team: choose Invite, enter the person's email and pick a role. They get an email with a link to join.

- Viewer: sees invoices, payments, orders and rewards, and downloads documents.
- Payer: everything a viewer does, and pays invoices and redeems Support Rewards.
- Billing contact: everything a payer does, and manages the team, the contacts and reads the activity log.

Only a billing contact can invite, change roles or remove someone. If you are not one, ask your billing contact; the assistant tells you who that is.""",
            keywords="add teammate colleague user invite share access team member role viewer payer permissions remove change role who can pay",
        ),
        fr=ArticleText(
            title="Ajouter un collègue et choisir son rôle",
            summary="Le contact de facturation invite depuis Équipe et donne à chacun un rôle : lecteur, payeur ou contact de facturation.",
            body=french("""Le contact de facturation partage l'accès depuis Équipe : choisissez Inviter, saisissez l'e-mail de la personne et un rôle. Elle reçoit un e-mail avec un lien pour rejoindre le compte.

- Lecteur : voit les factures, paiements, commandes et récompenses, et télécharge les documents.
- Payeur : tout ce que fait un lecteur, et paie les factures et échange les Support Rewards.
- Contact de facturation : tout ce que fait un payeur, et gère l'équipe, les contacts et lit le journal d'activité.

Seul un contact de facturation peut inviter, changer un rôle ou retirer quelqu'un. Si vous ne l'êtes pas, demandez à votre contact de facturation ; l'assistant vous dit qui c'est."""),
            keywords="ajouter collegue utilisateur inviter partager acces equipe membre role lecteur payeur droits retirer changer de role qui peut payer",
        ),
    ),
    ArticleSource(
        slug="billing-contact",
        topic="account",
        position=30,
        en=ArticleText(
            title="The billing contact and the account's contacts",
            summary="The billing contact receives the invoices, pays, downloads and shares access; keep their details up to date.",
            body="""The billing contact is the person named on the order to receive invoices. In the portal they pay, see and download invoices and payment history, and share access with the team.

The account can also have a dunning contact and an account contact, copied on invoice emails. The billing contact updates these details under Team, Contacts. To hand the billing-contact role to someone else, or when the billing contact has left, ask billing support.""",
            keywords="billing contact who is contact details update change email address dunning account contact copy recipients handover left",
        ),
        fr=ArticleText(
            title="Le contact de facturation et les contacts du compte",
            summary="Le contact de facturation reçoit les factures, paie, télécharge et partage l'accès ; tenez ses coordonnées à jour.",
            body=french("""Le contact de facturation est la personne indiquée sur la commande pour recevoir les factures. Dans le portail, il paie, consulte et télécharge les factures et l'historique des paiements, et partage l'accès avec l'équipe.

Le compte peut aussi avoir un contact de relance et un contact de compte, mis en copie des e-mails de facture. Le contact de facturation met ces coordonnées à jour dans Équipe, Contacts. Pour confier ce rôle à quelqu'un d'autre, ou si le contact de facturation est parti, adressez-vous à l'assistance de facturation."""),
            keywords="contact de facturation qui est coordonnees mettre a jour changer adresse email contact de relance contact de compte copie destinataires transmission parti",
        ),
    ),
]
