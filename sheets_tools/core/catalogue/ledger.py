"""Finding codes: the ledger, its backups and its rebuild (store, recovery), and the errors that stop a
command (cli/app.py)."""
from sheets_tools.core.severity import Code, ERROR, WARNING

_CHECK = "chạy \"sheets-tools ledger check {directory}\" để kiểm tra sổ"
_REBUILD = "\"sheets-tools ledger rebuild {directory} --force\""

CODES: dict[str, Code] = {
    # --- a ledger that is missing, empty or damaged (store/guard.py) ---------------------------------------
    "ledger.lost": Code(
        ERROR, "Sổ ghi nhận {path} {state}{used}. Lệnh đã dừng, chưa ghi gì. {recover}"),
    "ledger.damaged_while_running": Code(
        ERROR, "Sổ ghi nhận {path} {state}: SQLite phát hiện khi lệnh đang chạy. Lệnh đã dừng; những gì đã ghi trọn "
        "vẹn trước đó vẫn còn, các tệp đã nhận vẫn được lưu trong thư mục archive. {recover}"),
    # parts of the messages above
    "ledger.used_folders": Code(ERROR, ", trong khi đợt thi đua đã có dữ liệu ({folders})"),
    "ledger.recover_backup": Code(
        ERROR, "Cách khôi phục: chạy \"sheets-tools ledger rebuild {directory}\" để dựng lại sổ từ các tệp đã nhận "
        "lưu trong thư mục archive (tệp sổ hỏng được giữ lại, đổi tên); hoặc đổi tên tệp sổ hỏng (nếu còn) rồi chép "
        "bản sao mới nhất {backup} thành {path}."),
    "ledger.recover_rebuild": Code(
        ERROR, "Cách khôi phục: chạy \"sheets-tools ledger rebuild {directory}\" để dựng lại sổ từ các tệp đã nhận "
        "lưu trong thư mục archive (tệp sổ hỏng được giữ lại, đổi tên). Thư mục backup chưa có bản sao nào của sổ."),
    # --- sheets-tools ledger check (recovery/check.py) -----------------------------------------------------
    "ledger.integrity": Code(
        ERROR, "Sổ ghi nhận {path} không toàn vẹn (SQLite báo: {detail}). Hãy chạy \"sheets-tools ledger rebuild "
        "{directory}\" để dựng lại sổ từ archive (tệp sổ hỏng được giữ lại, đổi tên), hoặc đổi tên tệp sổ hỏng rồi "
        "chép bản sao mới nhất trong thư mục backup thành {path}."),
    "ledger.archive_missing": Code(
        ERROR, "Không còn tệp lưu {path} của lần nhận \"{name}\" (đơn vị {unit}, biểu mẫu {form}). Dữ liệu đã đọc "
        "từ tệp vẫn còn trong sổ, nhưng nếu sổ bị mất thì không dựng lại được lần nhận này. Hãy khôi phục tệp đó "
        "vào đúng đường dẫn này (từ bản sao lưu của máy, hoặc đúng tệp đơn vị đã gửi)."),
    "ledger.archive_changed": Code(
        ERROR, "Tệp lưu {path} của lần nhận \"{name}\" đã bị thay đổi: nội dung không còn khớp mã băm (sha256) "
        "ghi trong sổ. Không sửa các tệp trong thư mục archive; hãy khôi phục tệp gốc (từ bản sao lưu của máy, "
        "hoặc đúng tệp đơn vị đã gửi)."),
    "ledger.archive_unknown": Code(
        ERROR, "Tệp {path} trong thư mục archive không có trong sổ ghi nhận (một lần nhận bị dừng giữa chừng, hoặc "
        "sổ được chép lại từ một bản sao cũ hơn). Hãy nhận lại tệp gốc bằng \"sheets-tools collect\", hoặc chạy "
        + _REBUILD + " để dựng lại sổ gồm cả tệp này."),
    "ledger.document_missing": Code(
        ERROR, "Không còn tài liệu {path} (\"{name}\") gửi kèm lần nhận \"{submission}\". Hãy khôi phục tệp đó vào "
        "đúng đường dẫn này (từ bản sao lưu của máy, hoặc thư đơn vị đã gửi)."),
    "ledger.document_changed": Code(
        ERROR, "Tài liệu {path} (\"{name}\") gửi kèm lần nhận \"{submission}\" đã bị thay đổi ({size} byte, sổ "
        "ghi {expected} byte). Không sửa các tệp trong thư mục archive; hãy khôi phục tệp gốc."),
    "ledger.no_sidecar": Code(
        WARNING, "{count} tệp đã nhận không có thông tin đi kèm trong thư mục archive (nhận bằng phiên bản trước, "
        "hoặc nhật ký archive/journal bị xóa): nếu phải dựng lại sổ, thời điểm nhận của chúng được lấy theo ngày giờ của tệp lưu. Sổ hiện "
        "tại vẫn đúng; không cần làm gì."),
    # --- sheets-tools ledger rebuild (recovery/rebuild.py) -------------------------------------------------
    "ledger.rebuild_refused": Code(
        ERROR, "Sổ ghi nhận {path} vẫn dùng được và đã có {count} lần nhận: không dựng lại, chưa ghi gì. Chỉ khi "
        "chắc chắn cần dựng lại từ archive (ví dụ sổ được chép lại từ một bản sao cũ và \"sheets-tools ledger "
        "check\" báo thiếu), hãy chạy lại với --force: sổ hiện tại được giữ làm bản sao trong thư mục backup."),
    "ledger.rebuild_guessed": Code(
        WARNING, "{count} tệp trong archive không có tệp thông tin đi kèm (nhận bằng phiên bản trước): thời điểm "
        "nhận được lấy theo ngày giờ của tệp lưu; nguồn gửi và tài liệu kèm theo không còn. Hãy kiểm tra lại việc "
        "nộp đúng hạn và bản nộp thay thế của các tệp: {files}."),
    "ledger.rebuild_documents": Code(
        WARNING, "{count} tài liệu trong archive không gắn được với tệp đã nhận nào (nhận bằng phiên bản trước): "
        "{files}. Các lần nhận cần tài liệu kèm theo có thể bị báo thiếu; hãy nhận lại thư gốc của đơn vị nếu cần."),
    "ledger.rebuild_bad_file": Code(
        ERROR, "Tệp {path} trong archive không khớp mã băm ghi trong tệp thông tin đi kèm (tệp đã bị sửa hoặc "
        "hỏng): không nhận lại. Hãy khôi phục tệp gốc rồi chạy " + _REBUILD + "."),
    "ledger.rebuild_bad_sidecar": Code(
        WARNING, "Không đọc được tệp thông tin {path} ({detail}); tệp nhận tương ứng được nhận lại theo ngày giờ "
        "của tệp lưu."),
    "ledger.rebuild_no_history": Code(
        WARNING, "Không có bản sao sổ nào đọc được trong thư mục backup: lịch sử khen thưởng (các dòng nhập từ tệp "
        "bằng \"history import\" và các khen thưởng ghi từ quyết định) không dựng lại được. Hãy nhập lại tệp lịch "
        "sử khen thưởng bằng \"sheets-tools history import\", rồi chạy " + _REBUILD + " để kiểm tra lại các đề "
        "nghị khen thưởng theo lịch sử đó, và chạy lại \"sheets-tools decision\" với số, ngày quyết định."),
    "ledger.rebuild_history_from": Code(
        WARNING, "Lịch sử khen thưởng ({count} dòng) được lấy từ bản sao {source}: các dòng nhập hoặc ghi sau thời "
        "điểm đó (nếu có) không còn; hãy nhập lại bằng \"sheets-tools history import\" hoặc chạy lại "
        "\"sheets-tools decision\" với số, ngày quyết định nếu cần."),
    "ledger.rebuild_no_votes": Code(
        WARNING, "Không dựng lại được kết quả biểu quyết của Hội đồng (không đọc được phiếu biểu quyết {path}, không "
        "có bản sao sổ): hãy chạy lại \"sheets-tools council tally {directory}\" với tệp phiếu đã điền."),
    # --- errors that stop a command (cli/app.py) -----------------------------------------------------------
    "error.disk_full": Code(
        ERROR, "Ổ đĩa đã đầy: không ghi được {path}. Hãy giải phóng dung lượng ổ đĩa (xóa bớt tệp không cần, dọn "
        "thùng rác) rồi chạy lại lệnh; các tệp đã có không bị ghi dở."),
    "error.permission": Code(
        ERROR, "Không có quyền ghi hoặc đọc {path} (thư mục hoặc tệp chỉ đọc, hoặc tệp đang mở trong chương trình "
        "khác như Excel). Hãy đóng tệp đó, kiểm tra quyền ghi của thư mục rồi chạy lại lệnh."),
    "error.read_only": Code(
        ERROR, "Không ghi được {path}: ổ đĩa hoặc thư mục chỉ đọc. Hãy chép thư mục đợt thi đua sang nơi ghi được "
        "(hoặc bỏ chế độ chỉ đọc) rồi chạy lại lệnh."),
    "error.is_folder": Code(
        ERROR, "{path} là một thư mục, nhưng ở đây cần một tệp. Hãy đổi tên hoặc chuyển thư mục đó đi rồi chạy lại "
        "lệnh."),
    "error.not_folder": Code(
        ERROR, "{path} là một tệp, nhưng ở đây cần một thư mục (ví dụ thư mục master, council, decision, outbox "
        "của đợt thi đua). Hãy đổi tên hoặc chuyển tệp đó đi rồi chạy lại lệnh."),
    "error.not_found": Code(
        ERROR, "Không tìm thấy {path}. Hãy kiểm tra lại đường dẫn (tệp có thể đã bị xóa hoặc đổi tên trong lúc "
        "lệnh chạy) rồi chạy lại lệnh."),
    "error.os": Code(
        ERROR, "Lỗi đọc/ghi {path}: {detail}. Hãy kiểm tra ổ đĩa, quyền ghi và đường dẫn rồi chạy lại lệnh."),
    "error.db_locked": Code(
        ERROR, "Sổ ghi nhận {path} đang bị một chương trình khác giữ (một lệnh sheets-tools khác đang chạy, hoặc "
        "một chương trình đang mở tệp sổ). Hãy chờ lệnh kia kết thúc hoặc đóng chương trình đó rồi chạy lại lệnh; "
        "sổ không bị ghi dở."),
    "error.db_readonly": Code(
        ERROR, "Không ghi được vào sổ ghi nhận {path}: tệp hoặc thư mục chỉ đọc. Hãy kiểm tra quyền ghi của thư mục "
        "đợt thi đua (SQLite cần ghi được cả các tệp {path}-wal, {path}-shm bên cạnh) rồi chạy lại lệnh."),
    "error.db_io": Code(
        ERROR, "Lỗi đọc/ghi ổ đĩa khi dùng sổ ghi nhận {path} ({detail}). Hãy kiểm tra ổ đĩa (còn chỗ trống, "
        "không bị rút ra, thư mục mạng còn kết nối) rồi chạy lại lệnh; sau đó " + _CHECK + "."),
    "error.db": Code(
        ERROR, "Lỗi cơ sở dữ liệu của sổ ghi nhận {path}: {detail}. Hãy " + _CHECK + "."),
    "error.unexpected": Code(
        ERROR, "Lỗi không mong đợi ({detail}); lệnh đã dừng. Hãy chạy lại với --debug để xem chi tiết (ví dụ "
        "\"sheets-tools --debug {command}\") và gửi kết quả cho người hỗ trợ."),
}
