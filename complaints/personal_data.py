"""Spots personal data a customer exposed in a public mention, so the interface can
suggest answering in private. It errs on the side of flagging: a false alarm costs a
click, a missed card number costs the customer."""

import re

NON_DIGITS = re.compile(r"\D")
EMAIL = re.compile(r"(?<![\w@])[\w.+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}\b")
PHONE = re.compile(
    r"(?<!\d)(?:(?:\+|00)33[\s.-]?[1-9]|0[1-9])(?:[\s.-]?\d{2}){4}(?!\d)"  # French numbers
    r"|(?<![\w+])\+\d{1,3}[\s.-]?\(?\d{1,4}\)?(?:[\s.-]?\d{2,4}){2,4}(?!\d)"  # international
    r"|(?<!\d)\(?\d{3}\)?[\s.-]\d{3}[\s.-]\d{4}(?!\d)"  # North American
)
CARD_DIGITS = re.compile(r"(?<!\d)\d(?:[ -]?\d){12,18}(?!\d)")
CARD_ENDING = re.compile(
    r"\b(?:carte|card|cb|visa|mastercard|amex)\b[^.\n]{0,40}?(?:termin\w*|finissant|ending|ends?)\D{0,12}\d{4}\b",
    re.IGNORECASE,
)
IBAN = re.compile(r"\b[A-Z]{2}\d{2}(?:\s?[A-Z0-9]{4}){3,7}(?:\s?[A-Z0-9]{1,3})?\b")
ACCOUNT = re.compile(
    r"(?:\b(?:n°|n°|num[ée]ro|no\.?|number|nr|#|id)\s*(?:de\s+|d['’])?"
    r"(?:client|compte|contrat|abonn[ée]|dossier|commande|account|customer|contract|order|booking|r[ée]servation)"
    r"|\b(?:client|compte|contrat|account|customer|contract|order|booking|dossier|commande)\s*"
    r"(?:n°|num[ée]ro|no\.?|number|nr|#|id|ref)\b)"
    r"\s*[:=]?\s*#?[A-Z0-9][A-Z0-9 -]{3,}\d",
    re.IGNORECASE,
)
ADDRESS = re.compile(
    r"\b\d{1,4}(?:\s?(?:bis|ter))?,?\s+(?:rue|avenue|av\.|boulevard|bd|place|chemin|all[ée]e|impasse|quai|route|cours)\s+\w+"
    r"|\b\d{1,5}\s+(?:[A-Z][a-z]+\s){1,3}(?:Street|St|Road|Rd|Avenue|Ave|Lane|Ln|Drive|Dr|Boulevard|Blvd|Close|Way)\b",
    re.IGNORECASE,
)


def _luhn_ok(digits: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def personal_data_kinds(text: str) -> list[str]:
    """The kinds of personal data found in the text: email, phone, card, iban, account, address."""
    found = []
    digits = len(NON_DIGITS.sub("", text))  # each kind needs some digits: skip the patterns that can't match
    if "@" in text and EMAIL.search(text):
        found.append("email")
    if digits >= 8 and PHONE.search(text):
        found.append("phone")
    if digits >= 13 and any(_luhn_ok(NON_DIGITS.sub("", m.group())) for m in CARD_DIGITS.finditer(text)) or (
            digits >= 4 and CARD_ENDING.search(text)):
        found.append("card")
    if digits >= 12 and IBAN.search(text):
        found.append("iban")
    if digits >= 4 and ACCOUNT.search(text):
        found.append("account")
    if digits and ADDRESS.search(text):
        found.append("address")
    return found
