"""Finding codes: the council's vote workbook (yearend/ballot.py, yearend/tally.py)."""
from sheets_tools.core.severity import Code, ERROR, WARNING

CODES: dict[str, Code] = {
    # --- the council's vote workbook (yearend/ballot.py, yearend/tally.py) -------------------------------------
    "council.not_ballot": Code(
        ERROR, "Tệp không phải tệp biểu quyết của Hội đồng Thi đua - Khen thưởng (nhận dạng là \"{value}\"). "
        "Hãy dùng tệp biểu quyết do phần mềm lập cho đợt thi đua này."),
    "council.id_missing": Code(
        WARNING, "Tệp biểu quyết không còn trang nhận dạng ẩn \"_id\"; chưa kiểm tra được đợt thi đua và số thành "
        "viên Hội đồng. Lần sau hãy điền trực tiếp vào tệp biểu quyết đã lập, không sao chép sang tệp khác."),
    "council.membership_changed": Code(
        ERROR, "Tệp biểu quyết được lập cho Hội đồng {value} thành viên, nhưng danh sách Hội đồng của đợt thi đua "
        "có {expected} thành viên; tệp này chưa được kiểm phiếu (kết quả đã ghi nhận trước đó được giữ nguyên). "
        "Hãy lập phiếu mới theo danh sách Hội đồng hiện hành (trang \"Hội đồng TĐKT\" của campaign.xlsx) bằng lệnh "
        "\"sheets-tools council ballot --new\" rồi cho Hội đồng biểu quyết trên phiếu đó."),
    "council.sheet_changed": Code(
        ERROR, "Ô {cell} ({label}) ghi \"{value}\", khác với phiếu phần mềm đã lập theo danh sách Hội đồng của đợt "
        "thi đua: \"{expected}\". Ô này đã được khóa, không được sửa; vì danh sách thành viên hoặc các cột biểu "
        "quyết trên tệp không còn đúng, tệp này chưa được kiểm phiếu (kết quả đã ghi nhận trước đó được giữ "
        "nguyên). Hãy kiểm phiếu trên tệp biểu quyết gốc; nếu danh sách Hội đồng đã thay đổi, hãy cập nhật trang "
        "\"Hội đồng TĐKT\" của campaign.xlsx rồi lập phiếu mới (\"sheets-tools council ballot --new\")."),
    "council.cell_changed": Code(
        ERROR, "Ô {cell} (cột \"{label}\", dòng {row}) ghi \"{value}\", khác với hồ sơ đề nghị đã ghi nhận và danh "
        "mục danh hiệu: \"{expected}\". Ô này do phần mềm ghi và đã được khóa; vì ô bị sửa, hoặc hồ sơ, danh mục đã "
        "thay đổi sau khi lập phiếu, đề nghị của \"{name}\" không được kiểm phiếu. Hãy kiểm phiếu trên tệp biểu "
        "quyết gốc; nếu hồ sơ hoặc danh mục đã thay đổi, hãy lập phiếu mới (\"sheets-tools council ballot --new\") "
        "để Hội đồng biểu quyết lại."),
    "council.unknown_candidate": Code(
        ERROR, "Ô {cell}: mã ứng viên \"{value}\" (dòng {row}, {name}) không thuộc đề nghị nào đang chờ Hội đồng "
        "biểu quyết (đơn vị đã gửi hồ sơ thay thế hoặc rút đề nghị, đề nghị không còn đạt yêu cầu, hoặc mã bị "
        "sửa); dòng này không được kiểm phiếu. Hãy lập phiếu mới theo các đề nghị hiện hành "
        "(\"sheets-tools council ballot --new\")."),
    "council.not_on_ballot": Code(
        WARNING, "Đề nghị \"{award}\" cho \"{name}\" ({unit_name}) chưa có trên tệp biểu quyết (hồ sơ đến hoặc được "
        "sửa sau khi lập phiếu), nên Hội đồng chưa biểu quyết và đề nghị này chưa được đưa vào danh sách khen "
        "thưởng. Hãy lập phiếu mới (\"sheets-tools council ballot --new\") để Hội đồng biểu quyết."),
    "council.nobody_present": Code(
        ERROR, "Chưa có thành viên nào được đánh dấu \"Có mặt\" trên trang \"{sheet}\"; không ứng viên nào được "
        "công nhận đạt. Hãy chọn \"Có\" ở cột \"Có mặt\" cho các thành viên dự họp."),
    "council.no_quorum": Code(
        ERROR, "Phiên họp không đủ số thành viên: có mặt {present}/{members}, cần ít nhất {needed} ({share} tổng số "
        "thành viên); không ứng viên nào được công nhận đạt. Hãy kiểm tra cột \"Có mặt\" hoặc họp lại khi đủ "
        "thành viên."),
    "council.bad_vote": Code(
        ERROR, "Ô {cell} ({member}): \"{value}\" không phải phiếu hợp lệ; phiếu này không được tính. Chỉ chọn "
        "\"Đồng ý\" hoặc \"Không đồng ý\" (để trống nếu thành viên không biểu quyết)."),
    "council.vote_not_allowed": Code(
        WARNING, "Ô {cell}: thành viên {member} không có mặt và không biểu quyết bằng văn bản nhưng có phiếu "
        "\"{value}\"; phiếu này không được tính. Nếu thành viên đã gửi phiếu bằng văn bản, hãy chọn \"Có\" ở cột "
        "\"Biểu quyết bằng văn bản\" trên trang \"Thành viên\"."),
    "council.bad_count": Code(
        ERROR, "\"{label}\" ở ô {cell}: \"{value}\" không phải số nguyên từ 0 đến {members}; ứng viên này chưa "
        "được công nhận. Hãy nhập số phiếu là số nguyên."),
    "council.too_many_votes": Code(
        ERROR, "Dòng {row} ({name}): tổng số phiếu đồng ý và không đồng ý ({total}) nhiều hơn số thành viên được "
        "biểu quyết ({voters}: có mặt hoặc biểu quyết bằng văn bản); ứng viên này chưa được công nhận. Hãy kiểm "
        "tra lại số phiếu và cột \"Có mặt\", \"Biểu quyết bằng văn bản\" trên trang \"Thành viên\"."),
    "council.no_id": Code(
        ERROR, "Dòng {row} ({name}) không có mã ứng viên (cột ẩn bị xóa hoặc dòng được thêm bằng tay), nên không "
        "gắn được với hồ sơ đề nghị nào; dòng này không được kiểm phiếu. Hãy ghi kết quả vào đúng dòng của tệp "
        "biểu quyết gốc."),
    "council.duplicate_candidate": Code(
        ERROR, "Dòng {row}: ứng viên \"{name}\" đã có ở dòng {other_row}; dòng này không được tính. Hãy xóa dòng trùng."),
    "council.not_voted": Code(
        WARNING, "Dòng {row} ({name}): chưa có phiếu biểu quyết nào; ứng viên được tính là không đạt. Hãy nhập kết "
        "quả biểu quyết nếu Hội đồng đã biểu quyết."),
}
