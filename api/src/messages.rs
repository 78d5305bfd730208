//! The words of every message a client reads, in Simplified Chinese and
//! English, in one place: user errors keyed by the rule broken (its code, and
//! the field where it matters), and the fixed texts of top-level errors.
//! Values are named by their API names (`UNDER_CONSTRUCTION`, `plannedInvestment`).

use crate::domain::geo::GeoError;
use crate::domain::money::MoneyError;
use crate::domain::problem::{Noun, Problem, TargetRefused};
use crate::domain::uscc::UsccError;
use crate::error::ErrorCode;

/// The language of messages: Simplified Chinese unless the client asks for English.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Language {
    #[default]
    Chinese,
    English,
}

impl Language {
    /// From an `Accept-Language` header: English when its first choice is English.
    pub fn from_header(value: Option<&str>) -> Self {
        match value.and_then(|v| v.split(',').next()).map(|v| v.trim().to_ascii_lowercase()) {
            Some(v) if v.starts_with("en") => Language::English,
            _ => Language::Chinese,
        }
    }

    fn pick(self, zh: String, en: String) -> String {
        match self {
            Language::Chinese => zh,
            Language::English => en,
        }
    }
}

fn noun(n: Noun) -> (&'static str, &'static str) {
    match n {
        Noun::Sector => ("行业", "sector"),
        Noun::Park => ("园区", "park"),
        Noun::Department => ("部门", "department"),
        Noun::Campaign => ("招商活动", "campaign"),
        Noun::Enterprise => ("企业", "enterprise"),
        Noun::Project => ("项目", "project"),
        Noun::Agreement => ("协议", "agreement"),
        Noun::Event => ("推介活动", "event"),
        Noun::Incentive => ("优惠政策", "incentive"),
        Noun::Partner => ("合作机构", "partner"),
        Noun::Lead => ("线索", "lead"),
        Noun::ApiKey => ("密钥", "API key"),
        Noun::Webhook => ("Webhook", "webhook"),
        Noun::StaffMember => ("工作人员", "staff member"),
        Noun::ServiceRequest => ("企业诉求", "service request"),
        Noun::Attachment => ("附件", "attachment"),
        Noun::Material => ("招商资料", "material"),
        Noun::AttachmentParent => ("项目、协议、线索或企业诉求", "project, agreement, lead or service request"),
        Noun::LeadOrEnterprise => ("线索或企业", "lead or enterprise"),
    }
}

/// The message of a user error; `field` is the field's path as the API names
/// it, below the mutation's argument and without list positions
/// (`plannedInvestment`, `contact.phone`).
pub fn user_error(problem: &Problem, field: &str, lang: Language) -> String {
    let (zh, en): (String, String) = match problem {
        Problem::Required => (format!("{field}不能为空"), format!("{field} is required")),
        Problem::ReasonRequired => ("驳回线索须说明理由".into(), "a rejection needs a reason".into()),
        Problem::PartnerRequired => ("请指定合作机构".into(), "name the partner".into()),
        Problem::SectorRequired => {
            ("线索未注明行业，请指定项目所属行业".into(), "the lead names no sector: give the project's sector".into())
        }
        Problem::EventsRequired => ("请至少选择一种事件".into(), "choose at least one event".into()),
        Problem::ForbiddenCharacter => (
            format!("{field}含有控制字符或双向覆盖字符"),
            format!("{field} contains a control or bidirectional-override character"),
        ),
        Problem::Money(e) => {
            let (zh, en) = match e {
                MoneyError::Syntax => (
                    "金额格式不正确，应为如 \"125000000.00\" 的十进制数",
                    "not a decimal amount such as \"125000000.00\"",
                ),
                MoneyError::TooPrecise => ("金额最多保留两位小数", "an amount has at most two decimal places"),
                MoneyError::Negative => ("金额不能为负数", "an amount cannot be negative"),
                MoneyError::TooLarge => ("金额超出上限", "the amount is too large"),
            };
            (format!("{field}：{zh}"), format!("{field}: {en}"))
        }
        Problem::Uscc(e) => {
            let zh = match e {
                UsccError::Length => "统一社会信用代码应为18位",
                UsccError::Character => "统一社会信用代码含有无效字符",
                UsccError::Check => "统一社会信用代码校验位错误",
            };
            (zh.into(), e.to_string())
        }
        Problem::UsccOutsideChina => {
            ("统一社会信用代码仅适用于中国企业".into(), "a USCC applies to Chinese companies only".into())
        }
        Problem::Country => (
            "国家或地区代码应为 ISO 3166-1 二位字母代码，如 CN、DE".into(),
            "not an ISO 3166-1 alpha-2 code such as CN or DE".into(),
        ),
        Problem::Email => ("电子邮箱格式不正确".into(), "not an e-mail address".into()),
        Problem::NotAChoice { choices } => {
            (format!("{field}应为以下之一：{choices}"), format!("{field} is one of: {choices}"))
        }
        Problem::Unreadable => (
            "文件既不是 .xlsx 工作簿，也不是 UTF-8 或 GB18030 编码的 CSV 文件".into(),
            "the file is neither an .xlsx workbook nor a CSV file in UTF-8 or GB18030".into(),
        ),
        Problem::MissingColumn { header } => {
            (format!("台账缺少“{header}”列"), format!("the ledger has no column headed {header}"))
        }
        Problem::Geo(e) => {
            let zh = match e {
                GeoError::OutOfRange => "经度应在 -180 到 180 之间，纬度应在 -90 到 90 之间".to_owned(),
                GeoError::NotAPolygon => "边界应为 GeoJSON 的 Polygon 或 MultiPolygon 几何对象".to_owned(),
                GeoError::BadPosition => "坐标应为两个或三个数字组成的数组，经度在前".to_owned(),
                GeoError::BadRing => "每个环至少有四个坐标点，且首尾相同".to_owned(),
                GeoError::TooLarge => {
                    format!("边界最多包含{}个坐标点", crate::domain::geo::MAX_BOUNDARY_POSITIONS)
                }
            };
            (format!("{field}：{zh}"), format!("{field}: {e}"))
        }
        Problem::FileType { allowed } => (
            format!("{field}：文件类型不允许，或文件内容与其扩展名不符；允许的类型为 {allowed}"),
            format!(
                "{field}: the file type is not allowed, or its bytes are not what its name says; allowed: {allowed}"
            ),
        ),
        Problem::Area => (
            format!("{field}：面积应为非负数（亩），最多两位小数"),
            format!("{field}: an area in mu is a non-negative number with at most two decimal places"),
        ),
        Problem::NotImportable => ("该台账只能导出，不能导入".into(), "this ledger is exported only".into()),
        Problem::NotADate => {
            (format!("{field}不是日期（如 2026-11-05）"), format!("{field} is not a date such as 2026-11-05"))
        }
        Problem::Code => {
            ("代码只能包含字母、数字和下划线".into(), "a code holds letters, digits and underscores only".into())
        }
        Problem::UrlScheme => ("URL 须为 http 或 https 地址".into(), "the URL must be http or https".into()),
        Problem::UrlCredentials => ("URL 不能包含用户名或密码".into(), "the URL must not hold credentials".into()),
        Problem::UrlTarget(TargetRefused::NoHost) => {
            ("不允许的目标地址：URL 缺少主机名".into(), "target refused: the URL has no host".into())
        }
        Problem::UrlTarget(TargetRefused::NotAllowed) => {
            ("不允许的目标地址：不允许向该目标发送".into(), "target refused: the target is not allowed".into())
        }
        Problem::TooLong { max } => {
            (format!("{field}不能超过{max}个字符"), format!("{field} must be at most {max} characters"))
        }
        Problem::NegativeTarget => ("目标不能为负数".into(), "a target cannot be negative".into()),
        Problem::NotPositive => match field {
            "amount" => ("到资金额必须大于零".into(), "the amount must be positive".into()),
            _ => (format!("{field}必须大于零"), format!("{field} must be positive")),
        },
        Problem::EndBeforeStart => match field {
            "validTo" => ("失效日期不能早于生效日期".into(), "validTo cannot precede validFrom".into()),
            "upgradedOn" => ("升级日期不能早于签约日期".into(), "the upgrade cannot precede the signing".into()),
            "dueOn" => ("办理期限不能早于受理日期".into(), "the due date cannot precede the day it was opened".into()),
            "nextStepDueOn" => {
                ("下一步期限不能早于跟进日期".into(), "the next step cannot be due before the follow-up".into())
            }
            _ => ("结束日期不能早于开始日期".into(), "the end cannot precede the start".into()),
        },
        Problem::ForeignAboveTotal => {
            ("外资不能超过总投资".into(), "foreign capital cannot exceed the total investment".into())
        }
        Problem::AvailableAboveArea => {
            ("可用土地不能超过园区面积".into(), "the available land cannot exceed the park's area".into())
        }
        Problem::NotInFuture => ("过期时间须晚于当前时间".into(), format!("{field} must lie in the future")),
        Problem::PartnerOnlyForPartnerKeys => {
            ("只有合作机构密钥属于合作机构".into(), "only PARTNER keys belong to a partner".into())
        }
        Problem::NoKeyForPublic => ("公众访问无需密钥".into(), "the public needs no key".into()),
        Problem::StaffOnlyForStaffKeys => (
            "只有工作人员和管理员密钥可以绑定工作人员".into(),
            "only STAFF and ADMIN keys are bound to a staff member".into(),
        ),
        Problem::NotFound(n) => {
            let (zh, en) = noun(*n);
            (format!("找不到该{zh}"), format!("no such {en}"))
        }
        Problem::Exists(n) => {
            let (zh, en) = noun(*n);
            match field {
                "code" => (format!("已有该代码的{zh}"), format!("a {en} with this code exists")),
                _ => (format!("已有同名{zh}"), format!("a {en} with this {field} exists")),
            }
        }
        Problem::UsccTaken => ("已有企业使用该统一社会信用代码".into(), "an enterprise with this USCC exists".into()),
        Problem::AlreadySigned => (
            "该项目已有主协议；后续请登记增资或升级协议".into(),
            "the project has a primary agreement: record an increase or upgrade it".into(),
        ),
        Problem::Stage { from, to } => {
            (format!("项目不能从 {from} 转到 {to}"), format!("a project cannot move from {from} to {to}"))
        }
        Problem::SignedByAgreementOnly => {
            ("签约阶段只能通过登记主协议进入".into(), "a project reaches SIGNED only by recording its agreement".into())
        }
        Problem::StageCannotSign => ("项目当前阶段不能签约".into(), "the project cannot be signed at its stage".into()),
        Problem::IncreaseWithoutPrimary => {
            ("项目尚无主协议，不能登记增资".into(), "an increase needs a primary agreement first".into())
        }
        Problem::NotSigned => {
            ("项目尚未签约，不能登记到资".into(), "capital can arrive only for a signed project".into())
        }
        Problem::NotFramework => {
            ("只有框架协议可以升级为合同".into(), "only a framework agreement can be upgraded".into())
        }
        Problem::LeadDecision { status } => (
            format!("线索当前状态为 {status}，不能执行该操作"),
            format!("a lead in status {status} cannot take this decision"),
        ),
        Problem::LeadNotWithdrawable => {
            ("只能撤回待审核或审核中的线索".into(), "only a submitted or under-review lead can be withdrawn".into())
        }
        Problem::LeadNotConvertible => (
            "只有已采纳且未转化的线索可以转化".into(),
            "only an accepted lead not yet converted can be converted".into(),
        ),
        Problem::PartnerInactive => ("该合作机构已停用".into(), "the partner is deactivated".into()),
        Problem::KeyRevoked => ("该密钥已吊销".into(), "the key is already revoked".into()),
        Problem::StaffInactive => ("该工作人员已停用".into(), "the staff member is inactive".into()),
        Problem::AlreadyAttached => ("该文件已挂接到其他对象".into(), "the file is attached already".into()),
        Problem::FileInUse => (
            "该文件是招商资料的文件，请先更换资料的文件".into(),
            "a material uses this file: change its file first".into(),
        ),
        Problem::RequestStatus { status } => (
            format!("诉求当前状态为 {status}，不能执行该操作"),
            format!("a service request in status {status} cannot take this step"),
        ),
        Problem::NotTheEnterprisesProject => {
            ("该项目不属于该企业".into(), "the project is not the enterprise's".into())
        }
        Problem::AssigneeOutsideDepartment => {
            ("该工作人员不属于该部门".into(), "the staff member is not in the department".into())
        }
        Problem::PersonAndStaffMember => (
            "责任人姓名与工作人员只能填写其一".into(),
            "name the person either as a staff member or by name, not both".into(),
        ),
        Problem::Stale => (
            "该记录已被他人修改，请刷新后重试".into(),
            "the object was changed since you read it: read it again and retry".into(),
        ),
        Problem::IdempotencyConflict => {
            ("该幂等键已用于内容不同的请求".into(), "this idempotency key was used with different content".into())
        }
        Problem::NoCampaign { ambiguous: false } => (
            "签约日期不在任何进行中的招商活动期间，请指定招商活动".into(),
            "no active campaign contains the signing date: name the campaign".into(),
        ),
        Problem::NoCampaign { ambiguous: true } => (
            "签约日期落在多个招商活动期间，请指定招商活动".into(),
            "several active campaigns contain the signing date: name the campaign".into(),
        ),
    };
    lang.pick(zh, en)
}

/// The fixed text of a top-level error whose code says everything; None for
/// the codes whose message carries the particular problem (a parse error's
/// position, the limit exceeded).
pub fn top_level(code: ErrorCode, lang: Language) -> Option<&'static str> {
    let (zh, en) = match code {
        ErrorCode::Unauthenticated => ("API 密钥无效、已过期或已吊销", "invalid, expired or revoked API key"),
        ErrorCode::Forbidden => ("该密钥无权执行此操作", "not allowed for this key"),
        ErrorCode::NotFound => ("找不到该对象", "not found"),
        ErrorCode::Internal => ("服务器内部错误", "internal error"),
        _ => return None,
    };
    Some(match lang {
        Language::Chinese => zh,
        Language::English => en,
    })
}

/// An internal error's text with the request's id, to quote to the office.
pub fn with_request_id(text: &str, request_id: &str, lang: Language) -> String {
    match lang {
        Language::Chinese => format!("{text}（请求编号 {request_id}）"),
        Language::English => format!("{text} (request id {request_id})"),
    }
}
