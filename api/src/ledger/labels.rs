//! The Chinese labels the office's ledgers show for the domain's closed
//! vocabularies, and the way back: an imported cell may hold the label or the
//! API's upper-case name (`SIGNED` or 已签约).

use entity::enums::*;
use sea_orm::ActiveEnum;

/// A closed vocabulary with a label per value.
pub trait Labelled: ActiveEnum<Value = String> + Copy + 'static {
    /// Every value with its label, in the order a template lists them.
    const LABELS: &'static [(Self, &'static str)];

    fn label(self) -> &'static str
    where
        Self: PartialEq,
    {
        Self::LABELS.iter().find(|(v, _)| *v == self).map(|(_, l)| *l).unwrap_or("")
    }

    /// The value a cell names by its label or by its API name (case-insensitive).
    fn from_label(cell: &str) -> Option<Self> {
        let cell = cell.trim();
        Self::LABELS.iter().find(|(v, l)| *l == cell || v.to_value().eq_ignore_ascii_case(cell)).map(|(v, _)| *v)
    }

    /// The labels, for an error message: `线索、接洽、…`.
    fn choices() -> String {
        Self::LABELS.iter().map(|(_, l)| *l).collect::<Vec<_>>().join("、")
    }
}

macro_rules! labelled {
    ($ty:ty { $($v:ident => $l:literal),* $(,)? }) => {
        impl Labelled for $ty {
            const LABELS: &'static [(Self, &'static str)] = &[$((<$ty>::$v, $l)),*];
        }
    };
}

labelled!(ProjectStage {
    Lead => "线索",
    Contacted => "接洽",
    Negotiating => "在谈",
    Signed => "签约",
    Registered => "注册",
    UnderConstruction => "开工",
    InProduction => "投产",
    Stalled => "停滞",
    Lost => "流失",
});
labelled!(AgreementKind { Contract => "合同", Framework => "协议" });
labelled!(EnterpriseSize { Large => "大型", Medium => "中型", Small => "小型", Micro => "微型" });
labelled!(EnterpriseStatus { Prospect => "潜在", Engaged => "在谈", Invested => "已投资", Dormant => "休眠" });
labelled!(Priority { A => "A", B => "B", C => "C" });
labelled!(LeadStatus {
    Submitted => "已提交",
    UnderReview => "审核中",
    Accepted => "已采纳",
    Rejected => "未采纳",
    Duplicate => "重复",
    Withdrawn => "已撤回",
});
labelled!(ServiceRequestCategory {
    Land => "用地",
    Approval => "审批",
    Financing => "融资",
    Utilities => "水电气",
    Talent => "人才",
    PolicyFulfilment => "政策兑现",
    Other => "其他",
});
labelled!(ServiceRequestStatus { Open => "待受理", Accepted => "已受理", Resolved => "已办结", Closed => "已销号" });
labelled!(Satisfaction { Satisfied => "满意", BasicallySatisfied => "基本满意", Dissatisfied => "不满意" });

/// A role as the description sheet names the exporter.
pub fn role(r: Role) -> &'static str {
    match r {
        Role::Admin => "管理员",
        Role::Staff => "工作人员",
        Role::Partner => "合作机构",
        Role::Public => "公众",
    }
}

/// Yes or no as the ledgers write it.
pub fn flag(b: bool) -> &'static str {
    if b { "是" } else { "否" }
}

/// A yes/no cell: 是/否, Y/N, TRUE/FALSE, 1/0.
pub fn parse_flag(cell: &str) -> Option<bool> {
    match cell.trim().to_ascii_uppercase().as_str() {
        "是" | "Y" | "YES" | "TRUE" | "1" => Some(true),
        "否" | "N" | "NO" | "FALSE" | "0" => Some(false),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_label_reads_back_as_its_value_and_so_does_the_api_name() {
        for (v, l) in ProjectStage::LABELS {
            assert_eq!(ProjectStage::from_label(l), Some(*v));
            assert_eq!(ProjectStage::from_label(&v.to_value().to_lowercase()), Some(*v));
            assert_eq!(v.label(), *l);
        }
        assert_eq!(EnterpriseStatus::from_label("在谈"), Some(EnterpriseStatus::Engaged));
        assert_eq!(AgreementKind::from_label("框架"), None);
        assert_eq!(parse_flag(" 是 "), Some(true));
        assert_eq!(parse_flag("maybe"), None);
    }
}
