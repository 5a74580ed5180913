# « 6 déc. 2026 14:05 » : le mois en lettres, comme dans les autres langues d'Écoute.
DATE_FORMAT = "j N Y"
DATETIME_FORMAT = "j N Y H:i"
SHORT_DATE_FORMAT = "j N Y"
SHORT_DATETIME_FORMAT = "j N Y H:i"
TIME_FORMAT = "H:i"
