"""The proposal form's rules for a collective (tập thể): the LĐTT share of its members, TTLĐXS and
TTLĐTT criteria. ``collective_findings`` is called by ``proposals._row`` for each valid collective row;
``hit(code, field, **context)`` there builds the finding at the row's cell of ``field``."""
from __future__ import annotations

from sheets_tools.campaign.criteria import number_text
from sheets_tools.campaign.model import LAW, Campaign
from sheets_tools.core.findings import ERROR, Code, Finding
from sheets_tools.core.text import fold

RATINGS = {"hoàn thành xuất sắc nhiệm vụ": 3, "hoàn thành tốt nhiệm vụ": 2, "hoàn thành nhiệm vụ": 1,
           "không hoàn thành nhiệm vụ": 0}
HTXS, HTT = "Hoàn thành xuất sắc nhiệm vụ", "Hoàn thành tốt nhiệm vụ"
PRINCIPLE = f"nguyên tắc khen thưởng, Điều 5 {LAW}"

CODES = {
    "proposal.member_counts": Code(
        ERROR, "{what}: số thành viên đạt danh hiệu lớn hơn tổng số thành viên ({members}). Hãy kiểm tra lại số liệu."),
    "proposal.ldtt_share": Code(
        ERROR, "{what}: {value}/{members} thành viên đạt Lao động tiên tiến ({share}), chưa đạt tỷ lệ tối thiểu {need}% "
        "để đề nghị \"{award}\". (Căn cứ: {basis}; tỷ lệ theo cài đặt \"{setting}\".)"),
    "proposal.incomplete_members": Code(
        ERROR, "{what}: có {value} thành viên không hoàn thành nhiệm vụ; \"{award}\" cần tất cả thành viên hoàn thành "
        "nhiệm vụ. (Căn cứ: {basis}.)"),
    "proposal.no_cstdcs": Code(
        ERROR, "{what}: \"{award}\" cần ít nhất một thành viên đạt Chiến sĩ thi đua cơ sở. (Căn cứ: {basis}.)"),
    "proposal.disciplined": Code(
        ERROR, "{what}: có {value} thành viên bị kỷ luật từ cảnh cáo trở lên; chưa đủ điều kiện \"{award}\". "
        "(Căn cứ: {basis}.)"),
}


def collective_findings(v: dict, rule: str | None, campaign: Campaign, hit, award) -> list[Finding]:
    members, ldtt = v.get("members") or 0, v.get("ldtt_members") or 0
    out = []
    if ldtt > members or (v.get("cstdcs_members") or 0) > members:
        return [hit("proposal.member_counts", "ldtt_members", members=members)]
    settings = campaign.yearend
    need = {"TTLDTT": ("ttldtt_ldtt_percent", settings.ttldtt_ldtt_percent),
            "TTLDXS": ("ttldxs_ldtt_percent", settings.ttldxs_ldtt_percent)}.get(rule or "")
    if need and members and ldtt * 100 < need[1] * members - 1e-9:
        out.append(hit("proposal.ldtt_share", "ldtt_members", members=members,
                       share=f"{100 * ldtt / members:.1f}%".replace(".", ","), need=number_text(need[1]), setting=need[0],
                       **award))
    if rule == "TTLDXS":
        if RATINGS.get(fold(v.get("rating") or ""), 0) < 3:
            out.append(hit("proposal.rating", "rating", need=HTXS, **award))
        if (v.get("incomplete_members") or 0) > 0:
            out.append(hit("proposal.incomplete_members", "incomplete_members", **award))
        if (v.get("cstdcs_members") or 0) < 1:
            out.append(hit("proposal.no_cstdcs", "cstdcs_members", **award))
    if rule == "TTLDTT" and (v.get("disciplined_members") or 0) > 0:
        out.append(hit("proposal.disciplined", "disciplined_members", **award))
    return out
