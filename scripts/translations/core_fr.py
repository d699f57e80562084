# French translations of core strings, applied with: python scripts/translate.py core scripts/translations/core_fr.py
T = {
"Outbox": "Boîte d'envoi",
"No mail server is configured: messages are kept here instead of being sent. Set the SMTP server in the site settings to send them.": "Aucun serveur de courrier n'est configuré : les messages sont gardés ici au lieu d'être envoyés. Indiquez le serveur SMTP dans les réglages du site pour les envoyer.",
"Messages": "Messages",
"Date": "Date",
"To": "Destinataire",
"Subject": "Objet",
"The outbox is empty.": "La boîte d'envoi est vide.",
"Back to the outbox": "Retour à la boîte d'envoi",
"Mail server (SMTP host); empty: keep mail in the outbox": "Serveur de courrier (hôte SMTP) ; vide : garder le courrier dans la boîte d'envoi",
"Mail server port": "Port du serveur de courrier",
"Use STARTTLS": "Utiliser STARTTLS",
"Mail server user name": "Identifiant sur le serveur de courrier",
"Mail server password (leave empty to keep it)": "Mot de passe du serveur de courrier (laisser vide pour le conserver)",
"Sender address of the site's mail": "Adresse d'expédition du courrier du site",
}
