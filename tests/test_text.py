import pytest

from geo.model.text import fold


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("KCN Tràng Duệ", "kcn trang due"),
        ("trang due", "trang due"),
        ("Đình Vũ – Cát Hải", "dinh vu cat hai"),
        ("DEEP C Hải Phòng II", "deep c hai phong ii"),
        ("  Nam  Cầu-Kiền ", "nam cau kien"),
        ("", ""),
    ],
)
def test_fold_ignores_case_diacritics_and_punctuation(text, expected):
    assert fold(text) == expected
