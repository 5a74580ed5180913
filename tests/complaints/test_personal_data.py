import pytest

from complaints.personal_data import personal_data_kinds


@pytest.mark.parametrize("text, kind", [
    ("rappelez moi au 06 12 34 56 78", "phone"),
    ("call me on +44 7700 900123 pls", "phone"),
    ("mon mail c'est lea.martin@gmail.com", "email"),
    ("carte 4111 1111 1111 1111 débitée deux fois", "card"),
    ("my card ending in 4432 was charged twice", "card"),
    ("IBAN FR76 3000 6000 0112 3456 7890 189", "iban"),
    ("n° client 4481 2290, toujours rien", "account"),
    ("account number: 88123456 still locked", "account"),
    ("je suis au 12 rue des Lilas, venez voir", "address"),
    ("I live at 221 Baker Street, come fix it", "address"),
])
def test_personal_data_is_spotted(text, kind):
    assert kind in personal_data_kinds(text)


@pytest.mark.parametrize("text", [
    "@LumioFR toujours pas de réseau depuis 3 jours",
    "Thanks @Lumio_EN, fixed in 10 minutes! 2024 was rough",
    "Order 3 of 5 arrived, #fail",
    "1234 5678 9012 3456",  # fails the card checksum
])
def test_ordinary_mentions_are_not_flagged(text):
    assert personal_data_kinds(text) == []
