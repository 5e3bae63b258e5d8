"""The built-in sample campaign ``daklak-2024`` (seed 000: Sở Tư pháp tỉnh Đắk Lắk, 2024, with the
district justice offices of that year); ``samples.py`` builds the sample of a later year from it.

Unit names follow seed 000; codes, e-mail addresses and contact people are illustrative
(addresses use the reserved example.gov.vn domain so a draft can never reach anyone).
"""
from __future__ import annotations

from datetime import date

OPTIONAL_FORMS = {"nominations"}  # calendar lines units may send or not (column "Không bắt buộc")
NOTE = ("Dữ liệu mẫu \"daklak-2024\" theo Kế hoạch phát động thi đua năm 2024 của Sở Tư pháp tỉnh Đắk Lắk; mã "
        "đơn vị, e-mail và người liên hệ là minh họa.")

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

# (key, what, deadline, forms go out from, remind this many days before); forms name their key
DEADLINES = [
    ("registration", "Đăng ký thi đua", date(2024, 1, 31), date(2024, 1, 2), 7),
    ("initiatives", "Đăng ký đề tài, sáng kiến (gửi Hội đồng Sáng kiến)", date(2024, 2, 28), date(2024, 1, 2), 7),
    ("midyear", "Báo cáo sơ kết 6 tháng đầu năm", date(2024, 6, 30), date(2024, 6, 1), 7),
    ("nominations", "Đề xuất điển hình tiên tiến, mô hình mới, nhân tố mới", date(2024, 10, 31),
     date(2024, 3, 1), 10),
    ("yearend", "Báo cáo tổng kết, hồ sơ đề nghị khen thưởng", date(2024, 11, 30), date(2024, 11, 1), 7),
]

DEPT_BLOCK = "Khối các phòng, đơn vị thuộc Sở"
DISTRICT_BLOCK = "Khối Phòng Tư pháp cấp huyện"
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
CONTACTS = ["Nguyễn Thị Hoa", "Trần Văn Nam", "Lê Thị Thu", "Phạm Minh Đức", "Hoàng Thị Lan",
             "H' Bia Niê", "Y Kông Êban", "Đỗ Văn Hùng", "Vũ Thị Hằng", "Bùi Quang Vinh"]

UNITS = [
    (code, name, kind, DEPT_BLOCK, f"{code.lower()}.stp@example.gov.vn", CONTACTS[i % len(CONTACTS)])
    for i, (code, name, kind) in enumerate(_OFFICES)
] + [
    (f"PTP-{code}", f"Phòng Tư pháp {name}", "Phòng Tư pháp cấp huyện", DISTRICT_BLOCK,
     f"ptp.{code.lower()}@example.gov.vn", CONTACTS[(i + 3) % len(CONTACTS)])
    for i, (code, name) in enumerate(_DISTRICTS)
]

_LAW = "Luật Thi đua, khen thưởng số 06/2022/QH15"
# the source of the sample's vote shares and award multiples (the 2024 sample follows Decree 98/2023)
_DECREE = "Nghị định số 98/2023/NĐ-CP"
_VOTES = f"Tỷ lệ phiếu: Điều 30 {_DECREE} (tính trên tổng số thành viên Hội đồng)"
_MONEY = f"Hệ số tiền thưởng: các điều về mức tiền thưởng của {_DECREE}"
# the multiples of these items are not checked against the decree's text yet (listed in the README)
_UNSURE = "hệ số tiền thưởng chưa được đối chiếu, cần kiểm tra lại"
UNVERIFIED = {"CO_CP", "GK_CN", "BK_TINH_CN", "BK_TINH_TT", "BK_BO_CN", "BK_BO_TT", "BK_TTG_CN", "BK_TTG_TT"}
_DIRECTOR = "Giám đốc Sở"
_CHAIR = "Chủ tịch UBND tỉnh"
_MINISTER = "Bộ trưởng Bộ Tư pháp"
_PM = "Thủ tướng Chính phủ"
# (code, name, kind, subject, legal basis, rule group, money multiple, council vote %, who decides);
# domain.md §3. The legal basis is the law's article on the title or form; findings add the decree the
# campaign follows (setting "decree"), which also sets the vote shares and the multiples. Vote shares and
# multiples are campaign data the office can change.
CATALOGUE = [
    ("LDTT", "Lao động tiên tiến", "title", "individual", f"Điều 24 {_LAW}", "LDTT", 0.3, None, _DIRECTOR),
    ("CSTDCS", "Chiến sĩ thi đua cơ sở", "title", "individual", f"Điều 23 {_LAW}", "CSTDCS", 1.0, 80, _DIRECTOR),
    ("CSTD_TINH", "Chiến sĩ thi đua cấp tỉnh", "title", "individual", f"Điều 22 {_LAW}", "CSTD_TINH", 3.0, 90,
     _CHAIR),
    ("CSTD_BO", "Chiến sĩ thi đua cấp bộ", "title", "individual", f"Điều 22 {_LAW}", "CSTD_TINH", 3.0, 90,
     _MINISTER),
    ("CSTD_TQ", "Chiến sĩ thi đua toàn quốc", "title", "individual", f"Điều 21 {_LAW}", "CSTD_TQ", 4.5, 90, _PM),
    ("TTLDTT", "Tập thể lao động tiên tiến", "title", "collective", f"Điều 28 {_LAW}", "TTLDTT", 0.8, None,
     _DIRECTOR),
    ("TTLDXS", "Tập thể lao động xuất sắc", "title", "collective", f"Điều 27 {_LAW}", "TTLDXS", 1.5, None, _CHAIR),
    ("CO_TINH", "Cờ thi đua của Ủy ban nhân dân tỉnh", "title", "collective", f"Điều 26 {_LAW}", "CO", 8.0, 80,
     _CHAIR),
    ("CO_NGANH", "Cờ thi đua ngành Tư pháp", "title", "collective", f"Điều 26 {_LAW}; Thông tư 11/2023/TT-BTP",
     "CO", 8.0, 80, _MINISTER),
    ("CO_CP", "Cờ thi đua của Chính phủ", "title", "collective", f"Điều 25 {_LAW}", "CO", None, 80, _PM),
    ("GK_CN", "Giấy khen của Giám đốc Sở (cá nhân)", "form", "individual", f"Điều 75 {_LAW}",
     "GIAY_KHEN", 0.3, None, _DIRECTOR),
    ("GK_TT", "Giấy khen của Giám đốc Sở (tập thể)", "form", "collective", f"Điều 75 {_LAW}", "GIAY_KHEN", 0.6,
     None, _DIRECTOR),
    ("BK_TINH_CN", "Bằng khen của Chủ tịch UBND tỉnh (cá nhân)", "form", "individual",
     f"Điều 72-74 {_LAW}", "BANG_KHEN", 1.0, None, _CHAIR),
    ("BK_TINH_TT", "Bằng khen của Chủ tịch UBND tỉnh (tập thể)", "form", "collective",
     f"Điều 72-74 {_LAW}", "BANG_KHEN", 2.0, None, _CHAIR),
    ("BK_BO_CN", "Bằng khen của Bộ trưởng Bộ Tư pháp (cá nhân)", "form", "individual",
     f"Điều 72-74 {_LAW}", "BANG_KHEN", 1.0, None, _MINISTER),
    ("BK_BO_TT", "Bằng khen của Bộ trưởng Bộ Tư pháp (tập thể)", "form", "collective",
     f"Điều 72-74 {_LAW}", "BANG_KHEN", 2.0, None, _MINISTER),
    ("BK_TTG_CN", "Bằng khen của Thủ tướng Chính phủ (cá nhân)", "form", "individual", f"Điều 71 {_LAW}",
     "BANG_KHEN", None, None, _PM),
    ("BK_TTG_TT", "Bằng khen của Thủ tướng Chính phủ (tập thể)", "form", "collective", f"Điều 71 {_LAW}",
     "BANG_KHEN", None, None, _PM),
]

# Illustrative scoring criteria (domain.md §4: only a few rows of the Ministry's table are verified;
# these tables are examples for the demo, the office replaces them with the year's real ones).
# (code, name, standard, kind, allowed values, how points are given, evidence required)
_BANDS_100 = "100% đúng hạn: {0}; 95 - dưới 100%: {1}; 80 - dưới 95%: {2}; 70 - dưới 80%: {3}; 60 - dưới 70%: {4}; dưới 60%: 0"
_CRITERIA_COMMON_B = [
    ("B", "Công tác chỉ đạo, điều hành và chế độ báo cáo", 40, "score", "", "", False),
    ("B.I", "Chế độ thông tin, báo cáo", 20, "score", "", "", False),
    ("B.I.1", "Báo cáo định kỳ gửi đúng hạn", 10, "score", "10; 7,5; 5; 2,5; 0",
     "Đúng hạn: 10; trễ 1-2 ngày: 7,5; trễ 3-5 ngày: 5; trễ 6-10 ngày: 2,5; trễ hơn 10 ngày: 0", False),
    ("B.I.2", "Báo cáo gửi đúng cơ quan, đủ nội dung theo yêu cầu", 10, "score", "", "", False),
    ("B.II", "Công tác thi đua, khen thưởng và xây dựng nội bộ", 20, "score", "", "", False),
    ("B.II.1", "Tổ chức phát động, đăng ký thi đua đúng hạn (trước 31/01)", 10, "score", "10; 5; 0",
     "Đúng hạn: 10; chậm dưới 10 ngày: 5; chậm từ 10 ngày hoặc không đăng ký: 0", True),
    ("B.II.2", "Thực hiện quy chế dân chủ, văn hóa công sở", 10, "score", "", "", False),
    ("C", "Điểm thưởng (tối đa 5 điểm)", 5, "bonus", "", "", False),
    ("C.1", "Có sáng kiến được Hội đồng Sáng kiến công nhận", 3, "bonus", "3; 0", "", True),
    ("C.2", "Được cấp có thẩm quyền khen thưởng đột xuất trong năm", 3, "bonus", "", "", True),
    ("D", "Điểm trừ (tối đa 10 điểm)", 10, "penalty", "", "", False),
    ("D.1", "Bị cấp có thẩm quyền nhắc nhở vì chậm trễ, sai sót (mỗi lần trừ 1 điểm)", 5, "penalty", "", "", False),
    ("D.2", "Có cán bộ, công chức bị kỷ luật trong năm", 10, "penalty", "", "", False),
]
_CRITERIA_DEPT = [
    ("A", "Thực hiện nhiệm vụ chuyên môn được giao", 60, "score", "", "", False),
    ("A.I", "Công tác xây dựng, thẩm định văn bản", 20, "score", "", "", False),
    ("A.I.1", "Thẩm định dự thảo văn bản đúng thời hạn", 5, "score", "5; 4,5; 4; 3; 2; 0",
     _BANDS_100.format("5", "4,5", "4", "3", "2"), False),
    ("A.I.2", "Góp ý dự thảo văn bản", 15, "score", "", "", False),
    ("A.I.2.1", "Tỷ lệ văn bản góp ý đúng thời hạn", 10, "score", "10; 8; 6; 4; 2; 0",
     _BANDS_100.format("10", "8", "6", "4", "2"), False),
    ("A.I.2.2", "Chất lượng ý kiến góp ý", 5, "score", "", "", False),
    ("A.II", "Thực hiện chỉ tiêu chuyên môn và ứng dụng công nghệ thông tin", 40, "score", "", "", False),
    ("A.II.1", "Hoàn thành các chỉ tiêu chuyên môn năm", 25, "score", "", "", False),
    ("A.II.2", "Ứng dụng công nghệ thông tin", 15, "score", "", "", False),
    ("A.II.2.1", "Ban hành kế hoạch ứng dụng công nghệ thông tin", 5, "score", "5; 0",
     "Có kế hoạch: 5; không có: 0", True),
    ("A.II.2.2", "Văn bản gửi, nhận qua trục liên thông văn bản quốc gia", 10, "score", "10; 7; 4; 0",
     "Trên 95%: 10; 75 - 95%: 7; 50 - dưới 75%: 4; dưới 50%: 0", False),
] + _CRITERIA_COMMON_B
_CRITERIA_DISTRICT = [
    ("A", "Thực hiện nhiệm vụ tư pháp ở địa phương", 60, "score", "", "", False),
    ("A.I", "Xây dựng, kiểm tra và rà soát văn bản", 20, "score", "", "", False),
    ("A.I.1", "Thẩm định dự thảo văn bản của UBND cấp huyện đúng thời hạn", 10, "score", "10; 8; 6; 4; 2; 0",
     _BANDS_100.format("10", "8", "6", "4", "2"), False),
    ("A.I.2", "Tự kiểm tra, rà soát văn bản", 10, "score", "", "", False),
    ("A.II", "Hộ tịch, chứng thực, phổ biến giáo dục pháp luật, hòa giải ở cơ sở", 40, "score", "", "", False),
    ("A.II.1", "Đăng ký hộ tịch đúng thời hạn", 15, "score", "15; 12; 9; 6; 3; 0",
     _BANDS_100.format("15", "12", "9", "6", "3"), False),
    ("A.II.2", "Phổ biến, giáo dục pháp luật và hòa giải ở cơ sở", 25, "score", "", "", False),
    ("A.II.2.1", "Ban hành kế hoạch phổ biến, giáo dục pháp luật năm", 5, "score", "5; 0",
     "Có kế hoạch: 5; không có: 0", True),
    ("A.II.2.2", "Tỷ lệ hòa giải thành", 20, "score", "", "", False),
] + _CRITERIA_COMMON_B
CRITERIA = [(DEPT_BLOCK, *row) for row in _CRITERIA_DEPT] + [(DISTRICT_BLOCK, *row) for row in _CRITERIA_DISTRICT]

# The council (illustrative names and positions).
COUNCIL = [
    ("Nguyễn Văn Thành", "Giám đốc Sở", "Chủ tịch Hội đồng"),
    ("Trần Thị Minh Hà", "Phó Giám đốc Sở", "Phó Chủ tịch Hội đồng"),
    ("Lê Quang Huy", "Phó Giám đốc Sở", "Phó Chủ tịch Hội đồng"),
    ("Phạm Thị Ngọc Ánh", "Chánh Văn phòng Sở", "Ủy viên thường trực"),
    ("Y Thuyên Mlô", "Chánh Thanh tra Sở", "Ủy viên"),
    ("Hoàng Văn Bình", "Trưởng phòng Xây dựng và Kiểm tra văn bản quy phạm pháp luật", "Ủy viên"),
    ("Đinh Thị Lý", "Trưởng phòng Phổ biến, giáo dục pháp luật", "Ủy viên"),
    ("Võ Minh Tuấn", "Chủ tịch Công đoàn cơ sở Sở Tư pháp", "Ủy viên"),
    ("H' Xuân Byă", "Bí thư Chi đoàn Sở Tư pháp", "Ủy viên"),
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

# Lists the forms choose from (sheet "Danh mục"): (list, value, group, note). "Nhóm" of a scope is the
# level the proposal checks need (domain.md §3: CSTĐ cấp tỉnh needs an initiative of provincial scope).
FIELDS = [
    "Xây dựng, kiểm tra, rà soát văn bản quy phạm pháp luật", "Phổ biến, giáo dục pháp luật, hòa giải ở cơ sở",
    "Hành chính tư pháp, hộ tịch, chứng thực", "Bổ trợ tư pháp (công chứng, đấu giá, luật sư)",
    "Trợ giúp pháp lý", "Thanh tra, giải quyết khiếu nại, tố cáo", "Quản lý xử lý vi phạm hành chính",
    "Văn phòng, tổ chức, cải cách hành chính, chuyển đổi số", "Lĩnh vực khác",
]
LISTS = (
    [("Lĩnh vực", f, "", "") for f in FIELDS]
    + [("Phạm vi áp dụng", "Trong đơn vị", "Cơ sở", "Áp dụng tại đơn vị"),
       ("Phạm vi áp dụng", "Toàn Sở", "Cơ sở", "Áp dụng trong các phòng, đơn vị thuộc Sở"),
       ("Phạm vi áp dụng", "Toàn tỉnh", "Tỉnh, bộ", "Áp dụng trong toàn tỉnh hoặc toàn ngành Tư pháp"),
       ("Phạm vi áp dụng", "Toàn quốc", "Toàn quốc", "")]
    + [("Hình thức tuyên truyền", v, "", "Kế hoạch tuyên truyền điển hình tiên tiến, mục II.3")
       for v in ("Cổng thông tin điện tử của Sở", "Bảng thông báo nội bộ",
                 "Giao lưu, trao đổi, học tập kinh nghiệm")]
)

# Indicators units report on mid-year and at year end (illustrative): (code, name, unit of measure,
# kind, direction, applies to, the Department's target, note)
INDICATORS = [
    ("CT01", "Số cuộc tuyên truyền, phổ biến giáo dục pháp luật", "cuộc", "count", "min", "", 10.0, ""),
    ("CT02", "Tỷ lệ hồ sơ thủ tục hành chính giải quyết đúng hạn", "%", "percent", "min", "", 100.0, ""),
    ("CT03", "Số văn bản quy phạm pháp luật được thẩm định, kiểm tra", "văn bản", "count", "min",
     f"{DISTRICT_BLOCK}; XDKT", 20.0, ""),
    ("CT04", "Số vụ việc trợ giúp pháp lý được thực hiện", "vụ việc", "count", "min", "TGPL", 150.0, ""),
    ("CT05", "Số hồ sơ giải quyết quá hạn", "hồ sơ", "count", "max", "", 0.0, "Đạt khi không vượt chỉ tiêu"),
]


def figures_basis(code: str, multiple: float | None, vote: float | None, *, votes: str = _VOTES,
                  money: str = _MONEY) -> str:
    """Where a catalogue row's vote share and award multiple come from (its column "Căn cứ tỷ lệ phiếu, hệ số
    tiền thưởng"); a multiple not checked against the decree says so. ``votes`` and ``money`` name the
    sources (the 2024 sample's: Decree 98/2023)."""
    parts = [votes] if vote else []
    if code in UNVERIFIED:
        parts.append(f"{money}: {_UNSURE}" if multiple else f"Hệ số tiền thưởng: chưa ghi, {_UNSURE}")
    elif multiple:
        parts.append(f"{money} (chưa đối chiếu điều, khoản cụ thể)")
    return "; ".join(parts)
