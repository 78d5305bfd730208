//! The fixed columns of each ledger: what an export writes and an import reads.

use chrono::{DateTime, NaiveDate, Utc};

use crate::domain::money::Money;

/// One of the office's ledgers (台账).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Ledger {
    Enterprises,
    Projects,
    Agreements,
    Leads,
    ServiceRequests,
}

impl Ledger {
    pub const ALL: [Ledger; 5] =
        [Ledger::Enterprises, Ledger::Projects, Ledger::Agreements, Ledger::Leads, Ledger::ServiceRequests];

    /// Its name in URLs and on the command line: `service-requests`.
    pub fn slug(self) -> &'static str {
        match self {
            Ledger::Enterprises => "enterprises",
            Ledger::Projects => "projects",
            Ledger::Agreements => "agreements",
            Ledger::Leads => "leads",
            Ledger::ServiceRequests => "service-requests",
        }
    }

    pub fn from_slug(s: &str) -> Option<Ledger> {
        Ledger::ALL.into_iter().find(|l| l.slug() == s)
    }

    /// Its name in the office: 项目台账.
    pub fn title(self) -> &'static str {
        match self {
            Ledger::Enterprises => "企业台账",
            Ledger::Projects => "项目台账",
            Ledger::Agreements => "签约台账",
            Ledger::Leads => "线索台账",
            Ledger::ServiceRequests => "诉求台账",
        }
    }

    /// The columns, in order; for a caller who is not staff, those marked
    /// `staff_only` are left out.
    pub fn columns(self, staff: bool) -> Vec<&'static Column> {
        let all: &'static [Column] = match self {
            Ledger::Enterprises => ENTERPRISES,
            Ledger::Projects => PROJECTS,
            Ledger::Agreements => AGREEMENTS,
            Ledger::Leads => LEADS,
            Ledger::ServiceRequests => SERVICE_REQUESTS,
        };
        all.iter().filter(|c| staff || !c.staff_only).collect()
    }

    /// Whether `importLedger` reads it.
    pub fn importable(self) -> bool {
        matches!(self, Ledger::Enterprises | Ledger::Projects | Ledger::Agreements)
    }
}

/// How a column's cells are written and read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Text,
    /// Yuan, a number cell formatted `#,##0.00`, exact to the fen.
    Money,
    /// A date cell `yyyy-mm-dd`.
    Date,
    /// A date-time cell in the office's time zone.
    DateTime,
    /// 是 or 否.
    Flag,
}

#[derive(Debug)]
pub struct Column {
    pub header: &'static str,
    pub kind: Kind,
    /// Read by an import; the others are written for the reader only.
    pub imported: bool,
    pub staff_only: bool,
}

const fn col(header: &'static str, kind: Kind, imported: bool) -> Column {
    Column { header, kind, imported, staff_only: false }
}

const fn internal(header: &'static str, kind: Kind) -> Column {
    Column { header, kind, imported: false, staff_only: true }
}

/// The headers, named once for the export and the import.
pub mod h {
    pub const ENTERPRISE: &str = "企业名称";
    pub const USCC: &str = "统一社会信用代码";
    pub const COUNTRY: &str = "国家或地区";
    pub const SECTOR: &str = "行业";
    pub const SIZE: &str = "企业规模";
    pub const FORTUNE500: &str = "世界500强";
    pub const FOREIGN_ENTERPRISE: &str = "外资企业";
    pub const LISTED: &str = "上市企业";
    pub const PRIORITY: &str = "优先级";
    pub const DEPARTMENT: &str = "责任部门";
    pub const STATUS: &str = "状态";
    pub const CONTACT: &str = "联系人";
    pub const PHONE: &str = "联系电话";
    pub const EMAIL: &str = "电子邮箱";
    pub const WEBSITE: &str = "网址";
    pub const NOTES: &str = "备注";
    pub const CREATED: &str = "登记时间";
    pub const PROJECT: &str = "项目名称";
    pub const STAGE: &str = "阶段";
    pub const PLANNED: &str = "计划总投资（元）";
    pub const FOREIGN_CAPITAL: &str = "其中外资（元）";
    pub const CAMPAIGN: &str = "招商活动";
    pub const PARK: &str = "所在园区";
    pub const RESPONSIBLE: &str = "负责人";
    pub const STAFF: &str = "责任人员";
    pub const HIGH_TECH: &str = "高新技术";
    pub const FOREIGN_PROJECT: &str = "外资项目";
    pub const PUBLISHED: &str = "对外公开";
    pub const DESCRIPTION: &str = "项目简介";
    pub const KIND: &str = "协议类型";
    pub const SIGNED_ON: &str = "签约日期";
    pub const TOTAL: &str = "总投资（元）";
    pub const INCREASE: &str = "增资";
    pub const EVENT: &str = "推介活动";
    pub const UPGRADED_ON: &str = "转为合同日期";
    pub const PARTNER: &str = "提交机构";
    pub const ESTIMATED: &str = "预计投资（元）";
    pub const LEAD_STATUS: &str = "线索状态";
    pub const ASSIGNED: &str = "承办部门";
    pub const ASSIGNEE: &str = "承办人员";
    pub const RESPOND_DUE: &str = "响应期限";
    pub const DECIDE_DUE: &str = "决定期限";
    pub const FEEDBACK_DUE: &str = "反馈期限";
    pub const OVERDUE: &str = "是否逾期";
    pub const SUBMITTED: &str = "提交时间";
    pub const CATEGORY: &str = "诉求类别";
    pub const TITLE: &str = "诉求标题";
    pub const REQUEST: &str = "诉求内容";
    pub const DUE_ON: &str = "办理期限";
    pub const RESOLUTION: &str = "办理结果";
    pub const SATISFACTION: &str = "满意度";
    pub const OPENED: &str = "提出时间";
    pub const RESOLVED: &str = "办结时间";
    pub const CLOSED: &str = "销号时间";
}

use Kind::*;

pub static ENTERPRISES: &[Column] = &[
    col(h::ENTERPRISE, Text, true),
    col(h::USCC, Text, true),
    col(h::COUNTRY, Text, true),
    col(h::SECTOR, Text, true),
    col(h::SIZE, Text, true),
    col(h::FORTUNE500, Flag, true),
    col(h::FOREIGN_ENTERPRISE, Flag, true),
    col(h::LISTED, Flag, true),
    col(h::PRIORITY, Text, true),
    col(h::DEPARTMENT, Text, true),
    col(h::STATUS, Text, true),
    col(h::CONTACT, Text, true),
    col(h::PHONE, Text, true),
    col(h::EMAIL, Text, true),
    col(h::WEBSITE, Text, true),
    col(h::NOTES, Text, true),
    col(h::CREATED, DateTime, false),
];

pub static PROJECTS: &[Column] = &[
    col(h::PROJECT, Text, true),
    col(h::ENTERPRISE, Text, true),
    col(h::USCC, Text, true),
    col(h::SECTOR, Text, true),
    col(h::STAGE, Text, false),
    col(h::PLANNED, Money, true),
    col(h::FOREIGN_CAPITAL, Money, true),
    col(h::CAMPAIGN, Text, true),
    col(h::DEPARTMENT, Text, true),
    col(h::PARK, Text, true),
    col(h::RESPONSIBLE, Text, true),
    col(h::STAFF, Text, false),
    col(h::HIGH_TECH, Flag, true),
    col(h::FOREIGN_PROJECT, Flag, true),
    col(h::PUBLISHED, Flag, true),
    col(h::DESCRIPTION, Text, true),
    col(h::NOTES, Text, true),
    col(h::CREATED, DateTime, false),
];

pub static AGREEMENTS: &[Column] = &[
    col(h::PROJECT, Text, true),
    col(h::ENTERPRISE, Text, true),
    col(h::USCC, Text, true),
    col(h::KIND, Text, true),
    col(h::SIGNED_ON, Date, true),
    col(h::TOTAL, Money, true),
    col(h::FOREIGN_CAPITAL, Money, true),
    col(h::INCREASE, Flag, true),
    col(h::CAMPAIGN, Text, true),
    col(h::EVENT, Text, false),
    col(h::DEPARTMENT, Text, false),
    col(h::UPGRADED_ON, Date, false),
    col(h::CREATED, DateTime, false),
];

pub static LEADS: &[Column] = &[
    col(h::ENTERPRISE, Text, false),
    col(h::USCC, Text, false),
    col(h::COUNTRY, Text, false),
    col(h::SECTOR, Text, false),
    col(h::PARTNER, Text, false),
    col(h::LEAD_STATUS, Text, false),
    col(h::ESTIMATED, Money, false),
    col(h::CONTACT, Text, false),
    col(h::PHONE, Text, false),
    col(h::EMAIL, Text, false),
    col(h::DESCRIPTION, Text, false),
    internal(h::ASSIGNED, Text),
    internal(h::ASSIGNEE, Text),
    internal(h::RESPOND_DUE, Date),
    internal(h::DECIDE_DUE, Date),
    col(h::FEEDBACK_DUE, Date, false),
    col(h::OVERDUE, Flag, false),
    col(h::SUBMITTED, DateTime, false),
];

pub static SERVICE_REQUESTS: &[Column] = &[
    col(h::ENTERPRISE, Text, false),
    col(h::PROJECT, Text, false),
    col(h::CATEGORY, Text, false),
    col(h::TITLE, Text, false),
    col(h::REQUEST, Text, false),
    col(h::ASSIGNED, Text, false),
    col(h::ASSIGNEE, Text, false),
    col(h::STATUS, Text, false),
    col(h::DUE_ON, Date, false),
    col(h::OVERDUE, Flag, false),
    col(h::RESOLUTION, Text, false),
    col(h::SATISFACTION, Text, false),
    col(h::OPENED, DateTime, false),
    col(h::RESOLVED, DateTime, false),
    col(h::CLOSED, DateTime, false),
];

/// A cell's value.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Empty,
    Text(String),
    Money(Money),
    Date(NaiveDate),
    DateTime(DateTime<Utc>),
    Flag(bool),
}

impl From<Option<String>> for Cell {
    fn from(v: Option<String>) -> Cell {
        v.map(Cell::Text).unwrap_or(Cell::Empty)
    }
}

impl From<String> for Cell {
    fn from(v: String) -> Cell {
        Cell::Text(v)
    }
}

impl From<&str> for Cell {
    fn from(v: &str) -> Cell {
        Cell::Text(v.to_owned())
    }
}

impl From<Option<NaiveDate>> for Cell {
    fn from(v: Option<NaiveDate>) -> Cell {
        v.map(Cell::Date).unwrap_or(Cell::Empty)
    }
}

impl From<Option<DateTime<Utc>>> for Cell {
    fn from(v: Option<DateTime<Utc>>) -> Cell {
        v.map(Cell::DateTime).unwrap_or(Cell::Empty)
    }
}
