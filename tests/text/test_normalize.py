from marsad.text.normalize import ArabicNormalizer
from marsad.text.tokens import numbers


def test_each_normalisation_step():
    n = ArabicNormalizer()
    assert n.normalize("قَالَ") == "قال"  # diacritics
    assert n.normalize("مـــقاتل") == "مقاتل"  # tatweel
    assert n.normalize("أحمد إلى آمنة") == "احمد الي امنه"  # alef forms, alef maqsura, teh marbuta
    assert n.normalize("١٢٣ و۴۵") == "123 و45"  # Arabic-Indic and Eastern digits
    assert n.normalize("«نعم»، لا؛ لماذا؟") == '"نعم", لا; لماذا?'  # punctuation


def test_steps_can_be_switched_off():
    n = ArabicNormalizer(teh_marbuta=False, digits=False)
    assert n.normalize("مدرسة ١٢") == "مدرسة ١٢"
    assert ArabicNormalizer().transform(["مدرسة", "إلى"]) == ["مدرسه", "الي"]


def test_numbers_read_arabic_indic_digits():
    assert numbers("قتل ١٢ شخصا و 3 جرحى") == {"12", "3"}
