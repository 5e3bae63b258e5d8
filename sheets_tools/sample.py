"""The built-in sample campaign ``daklak-2024`` (seed 000: Sở Tư pháp tỉnh Đắk Lắk, 2024).

Unit names follow seed 000; codes, e-mail addresses and contact people are illustrative
(addresses use the reserved example.gov.vn domain so a draft can never reach anyone).
"""
from __future__ import annotations

from datetime import date

SAMPLES = ("daklak-2024",)

INFO = {
    "campaign_id": "daklak-2024",
    "parent_agency": "UBND TỈNH ĐẮK LẮK",
    "agency": "SỞ TƯ PHÁP",
    "place": "Đắk Lắk",
    "year": 2024,
    "office": "Văn phòng Sở",
    "office_email": "vanphong.stp@example.gov.vn",
    "signer_title": "GIÁM ĐỐC",
}

DEADLINES = [
    ("registration", "Đăng ký thi đua", date(2024, 1, 31)),
    ("initiatives", "Đăng ký đề tài, sáng kiến (gửi Hội đồng Sáng kiến)", date(2024, 2, 28)),
    ("midyear", "Báo cáo sơ kết 6 tháng đầu năm", date(2024, 6, 30)),
    ("yearend", "Báo cáo tổng kết, hồ sơ đề nghị khen thưởng", date(2024, 11, 30)),
]

_DEPT = "Khối các phòng, đơn vị thuộc Sở"
_DISTRICT = "Khối Phòng Tư pháp cấp huyện"
_OFFICES = [
    ("VP", "Văn phòng Sở", "Phòng thuộc Sở"),
    ("TTR", "Thanh tra Sở", "Phòng thuộc Sở"),
    ("XDKT", "Phòng Xây dựng và Kiểm tra văn bản quy phạm pháp luật", "Phòng thuộc Sở"),
    ("PBGD", "Phòng Phổ biến, giáo dục pháp luật", "Phòng thuộc Sở"),
    ("HCTP", "Phòng Hành chính tư pháp", "Phòng thuộc Sở"),
    ("BTTP", "Phòng Bổ trợ tư pháp", "Phòng thuộc Sở"),
    ("TGPL", "Trung tâm Trợ giúp pháp lý nhà nước", "Đơn vị sự nghiệp"),
    ("CC1", "Phòng Công chứng số 1", "Đơn vị sự nghiệp"),
    ("DGTS", "Trung tâm Dịch vụ đấu giá tài sản", "Đơn vị sự nghiệp"),
]
_DISTRICTS = [
    ("BMT", "thành phố Buôn Ma Thuột"), ("BH", "thị xã Buôn Hồ"), ("BD", "huyện Buôn Đôn"),
    ("CK", "huyện Cư Kuin"), ("CMG", "huyện Cư M'gar"), ("EHL", "huyện Ea H'leo"),
    ("EK", "huyện Ea Kar"), ("ES", "huyện Ea Súp"), ("KA", "huyện Krông Ana"),
    ("KB", "huyện Krông Bông"), ("KBK", "huyện Krông Búk"), ("KN", "huyện Krông Năng"),
    ("KP", "huyện Krông Pắc"), ("LAK", "huyện Lắk"), ("MD", "huyện M'Drắk"),
]
_CONTACTS = ["Nguyễn Thị Hoa", "Trần Văn Nam", "Lê Thị Thu", "Phạm Minh Đức", "Hoàng Thị Lan",
             "H' Bia Niê", "Y Kông Êban", "Đỗ Văn Hùng", "Vũ Thị Hằng", "Bùi Quang Vinh"]

UNITS = [
    (code, name, kind, _DEPT, f"{code.lower()}.stp@example.gov.vn", _CONTACTS[i % len(_CONTACTS)])
    for i, (code, name, kind) in enumerate(_OFFICES)
] + [
    (f"PTP-{code}", f"Phòng Tư pháp {name}", "Phòng Tư pháp cấp huyện", _DISTRICT,
     f"ptp.{code.lower()}@example.gov.vn", _CONTACTS[(i + 3) % len(_CONTACTS)])
    for i, (code, name) in enumerate(_DISTRICTS)
]

_LAW = "Luật Thi đua, khen thưởng số 06/2022/QH15"
# (code, name, kind, subject, legal basis); domain.md §3
CATALOGUE = [
    ("LDTT", "Lao động tiên tiến", "title", "individual", f"Điều 26 {_LAW}"),
    ("CSTDCS", "Chiến sĩ thi đua cơ sở", "title", "individual", f"Điều 25 {_LAW}"),
    ("CSTD_TINH", "Chiến sĩ thi đua cấp tỉnh", "title", "individual", f"Điều 24 {_LAW}"),
    ("CSTD_BO", "Chiến sĩ thi đua cấp bộ", "title", "individual", f"Điều 24 {_LAW}"),
    ("CSTD_TQ", "Chiến sĩ thi đua toàn quốc", "title", "individual", f"Điều 23 {_LAW}"),
    ("TTLDTT", "Tập thể lao động tiên tiến", "title", "collective", f"Điều 29 {_LAW}"),
    ("TTLDXS", "Tập thể lao động xuất sắc", "title", "collective", f"Điều 28 {_LAW}"),
    ("CO_TINH", "Cờ thi đua của Ủy ban nhân dân tỉnh", "title", "collective", f"Điều 27 {_LAW}"),
    ("CO_NGANH", "Cờ thi đua ngành Tư pháp", "title", "collective",
     f"Điều 27 {_LAW}; Thông tư 11/2023/TT-BTP"),
    ("CO_CP", "Cờ thi đua của Chính phủ", "title", "collective", f"Điều 27 {_LAW}"),
    ("GK_CN", "Giấy khen của Giám đốc Sở (cá nhân)", "form", "individual", f"Điều 75 {_LAW}"),
    ("GK_TT", "Giấy khen của Giám đốc Sở (tập thể)", "form", "collective", f"Điều 75 {_LAW}"),
    ("BK_TINH_CN", "Bằng khen của Chủ tịch UBND tỉnh (cá nhân)", "form", "individual", f"Điều 72 {_LAW}"),
    ("BK_TINH_TT", "Bằng khen của Chủ tịch UBND tỉnh (tập thể)", "form", "collective", f"Điều 72 {_LAW}"),
    ("BK_BO_CN", "Bằng khen của Bộ trưởng Bộ Tư pháp (cá nhân)", "form", "individual", f"Điều 72 {_LAW}"),
    ("BK_BO_TT", "Bằng khen của Bộ trưởng Bộ Tư pháp (tập thể)", "form", "collective", f"Điều 72 {_LAW}"),
    ("BK_TTG_CN", "Bằng khen của Thủ tướng Chính phủ (cá nhân)", "form", "individual", f"Điều 71 {_LAW}"),
    ("BK_TTG_TT", "Bằng khen của Thủ tướng Chính phủ (tập thể)", "form", "collective", f"Điều 71 {_LAW}"),
]

MOVEMENTS = [
    ("PT1", "Phong trào thi đua thực hiện nhiệm vụ phát triển kinh tế - xã hội, đảm bảo quốc phòng - "
     "an ninh, xây dựng hệ thống chính trị của tỉnh năm 2024", "2024"),
    ("PT2", "Đoàn kết, kỷ cương, sáng tạo, hiệu quả, hoàn thành xuất sắc nhiệm vụ", "2024"),
    ("PT3", "Ngành Tư pháp chung sức góp phần xây dựng nông thôn mới", "2020 - 2025"),
    ("PT4", "Cán bộ Tư pháp đẩy mạnh học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh",
     "thường xuyên"),
    ("PT5", "Cán bộ, công chức, viên chức, người lao động trong ngành Tư pháp thực hiện văn hóa công sở",
     "2019 - 2025"),
    ("PT6", "Vì người nghèo - Không để ai bị bỏ lại phía sau", "thường xuyên"),
    ("PT7", "Lập thành tích chào mừng kỷ niệm 120 năm thành lập tỉnh Đắk Lắk (22/11/1904 - 22/11/2024)",
     "2024"),
]
