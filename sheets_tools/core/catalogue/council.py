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
        "có {expected} thành viên; ngưỡng phiếu được tính theo {expected} thành viên. Hãy lập lại tệp biểu quyết "
        "theo danh sách Hội đồng hiện hành (trang \"Hội đồng TĐKT\" của campaign.xlsx)."),
    "council.member_unknown": Code(
        ERROR, "Ô {cell}: \"{value}\" không có trong danh sách Hội đồng của đợt thi đua; dòng này không được tính. "
        "Hãy sửa đúng họ tên thành viên, hoặc cập nhật danh sách Hội đồng rồi lập lại tệp biểu quyết."),
    "council.member_missing": Code(
        WARNING, "Không thấy thành viên \"{value}\" trên trang \"{sheet}\" (dòng hoặc cột đã bị xóa, hoặc họ tên bị "
        "sửa); thành viên này được coi là vắng mặt, không biểu quyết. Hãy dùng tệp biểu quyết gốc."),
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
        WARNING, "Dòng {row} ({name}) không có mã ứng viên (cột ẩn bị xóa hoặc dòng được thêm bằng tay); kết quả "
        "vẫn được kiểm nhưng không gắn được với hồ sơ đề nghị. Hãy ghi kết quả vào đúng dòng của tệp biểu quyết gốc."),
    "council.duplicate_candidate": Code(
        ERROR, "Dòng {row}: ứng viên \"{name}\" đã có ở dòng {other_row}; dòng này không được tính. Hãy xóa dòng trùng."),
    "council.unknown_award": Code(
        ERROR, "Dòng {row} ({name}): không xác định được tỷ lệ phiếu cần đạt của \"{value}\" (không có trong danh "
        "mục danh hiệu, hình thức của đợt thi đua); ứng viên này chưa được công nhận. Hãy kiểm tra danh mục rồi "
        "lập lại tệp biểu quyết."),
    "council.not_voted": Code(
        WARNING, "Dòng {row} ({name}): chưa có phiếu biểu quyết nào; ứng viên được tính là không đạt. Hãy nhập kết "
        "quả biểu quyết nếu Hội đồng đã biểu quyết."),
}
