"""Finding codes: campaign.xlsx."""
from sheets_tools.core.severity import Code, ERROR

CODES: dict[str, Code] = {
    # --- campaign.xlsx -------------------------------------------------------------
    "campaign.missing": Code(ERROR, "Không tìm thấy tệp cấu hình đợt thi đua {value}. Hãy chạy \"sheets-tools init\"."),
    "campaign.sheet_missing": Code(ERROR, "campaign.xlsx thiếu trang tính \"{sheet}\"."),
    "campaign.bad_value": Code(ERROR, "\"{label}\": {detail}."),
    "campaign.duplicate": Code(ERROR, "\"{value}\" bị trùng (đã có ở dòng {other_row}). Mỗi mã, mỗi tên chỉ ghi một lần."),
    "campaign.unreadable": Code(ERROR, "Không đọc được campaign.xlsx: {detail}."),
}
