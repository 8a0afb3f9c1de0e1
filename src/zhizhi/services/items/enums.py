"""Vocabularies of service items (DOMAIN.md §3, GB/T 39554): item types, levels, limit units,
material forms and sources, online depth, statuses, audiences and life events.

Each ``*_LABELS`` maps a value to its (中文, English) name; pages take their words from the
catalogue (``services.po``), the API and the Excel sheets from these labels."""

from __future__ import annotations

from enum import IntEnum, StrEnum


class ItemType(StrEnum):
    """事项类型 (GB/T 39554.1, DOMAIN.md §3): kinds of administrative power and public services."""

    LICENSING = "01"  # 行政许可
    PENALTY = "02"  # 行政处罚
    COERCION = "03"  # 行政强制
    LEVY = "04"  # 行政征收
    BENEFIT = "05"  # 行政给付
    INSPECTION = "06"  # 行政检查
    CONFIRMATION = "07"  # 行政确认
    REWARD = "08"  # 行政奖励
    ADJUDICATION = "09"  # 行政裁决
    OTHER_POWER = "10"  # 其他行政权力
    FILING = "11"  # 行政备案 (used by provincial lists since the 2022 filing reform)
    PUBLIC_SERVICE = "20"  # 公共服务


ITEM_TYPE_LABELS: dict[ItemType, tuple[str, str]] = {
    ItemType.LICENSING: ("行政许可", "Administrative licensing"),
    ItemType.PENALTY: ("行政处罚", "Administrative penalty"),
    ItemType.COERCION: ("行政强制", "Administrative coercion"),
    ItemType.LEVY: ("行政征收", "Administrative levy"),
    ItemType.BENEFIT: ("行政给付", "Administrative benefit"),
    ItemType.INSPECTION: ("行政检查", "Administrative inspection"),
    ItemType.CONFIRMATION: ("行政确认", "Administrative confirmation"),
    ItemType.REWARD: ("行政奖励", "Administrative reward"),
    ItemType.ADJUDICATION: ("行政裁决", "Administrative adjudication"),
    ItemType.OTHER_POWER: ("其他行政权力", "Other administrative power"),
    ItemType.FILING: ("行政备案", "Administrative filing"),
    ItemType.PUBLIC_SERVICE: ("公共服务", "Public service"),
}


class Level(IntEnum):
    """行使层级: who exercises the item."""

    NATIONAL = 1  # 国家级
    PROVINCIAL = 2  # 省级
    MUNICIPAL = 3  # 市级
    COUNTY = 4  # 县级
    TOWNSHIP = 5  # 镇（乡、街道）级
    VILLAGE = 6  # 村（社区）级


LEVEL_LABELS: dict[Level, tuple[str, str]] = {
    Level.NATIONAL: ("国家级", "National"),
    Level.PROVINCIAL: ("省级", "Provincial"),
    Level.MUNICIPAL: ("市级", "Municipal"),
    Level.COUNTY: ("县级", "County / district"),
    Level.TOWNSHIP: ("镇（乡、街道）级", "Township / street"),
    Level.VILLAGE: ("村（社区）级", "Village / community"),
}


class LimitUnit(StrEnum):
    WORKING_DAY = "working_day"  # 工作日
    CALENDAR_DAY = "calendar_day"  # 自然日
    HOUR = "hour"  # 小时


LIMIT_UNIT_LABELS: dict[LimitUnit, tuple[str, str]] = {
    LimitUnit.WORKING_DAY: ("个工作日", "working days"),
    LimitUnit.CALENDAR_DAY: ("个自然日", "calendar days"),
    LimitUnit.HOUR: ("小时", "hours"),
}


class CaseType(StrEnum):
    """办件类型: 即办件 is decided at acceptance (limits 0), 承诺件 within the promised limit."""

    IMMEDIATE = "immediate"  # 即办件
    PROMISED = "promised"  # 承诺件


CASE_TYPE_LABELS: dict[CaseType, tuple[str, str]] = {
    CaseType.IMMEDIATE: ("即办件", "Decided on the spot"),
    CaseType.PROMISED: ("承诺件", "Decided within the promised time"),
}


class HandlingForm(StrEnum):
    """办理形式."""

    WINDOW = "window"  # 窗口办理
    ONLINE = "online"  # 网上办理
    POST = "post"  # 快递申请


HANDLING_FORM_LABELS: dict[HandlingForm, tuple[str, str]] = {
    HandlingForm.WINDOW: ("窗口办理", "At a window"),
    HandlingForm.ONLINE: ("网上办理", "Online"),
    HandlingForm.POST: ("快递申请", "By post"),
}


class MaterialForm(StrEnum):
    """材料形式."""

    PAPER = "paper"  # 纸质
    ELECTRONIC = "electronic"  # 电子
    BOTH = "both"  # 纸质或电子


MATERIAL_FORM_LABELS: dict[MaterialForm, tuple[str, str]] = {
    MaterialForm.PAPER: ("纸质", "Paper"),
    MaterialForm.ELECTRONIC: ("电子", "Electronic"),
    MaterialForm.BOTH: ("纸质或电子", "Paper or electronic"),
}


class SourceKind(StrEnum):
    """材料来源渠道; ``shared`` and ``certificate`` carry a code: ``shared:<resource code>``,
    ``certificate:<certificate type code>`` (rules.parse_source)."""

    APPLICANT = "applicant"  # 申请人自备
    SHARED = "shared"  # 共享数据（数据共享目录的资源）
    CERTIFICATE = "certificate"  # 电子证照库
    ISSUED = "issued"  # 政府部门核发（本部门或其他部门出具）


SOURCE_LABELS: dict[SourceKind, tuple[str, str]] = {
    SourceKind.APPLICANT: ("申请人自备", "Brought by the applicant"),
    SourceKind.SHARED: ("共享数据获取", "Fetched from shared data"),
    SourceKind.CERTIFICATE: ("电子证照库获取", "Fetched from the certificate library"),
    SourceKind.ISSUED: ("政府部门核发", "Issued by a department"),
}


class OnlineDepth(IntEnum):
    """网上办理深度 (1 consult … 7 e-certificate feedback)."""

    CONSULT = 1  # 网上咨询
    RECEIVE = 2  # 网上收件
    PRE_REVIEW = 3  # 网上预审
    ACCEPT = 4  # 网上受理
    HANDLE = 5  # 网上办理
    RESULT = 6  # 网上办结、结果反馈
    CERTIFICATE = 7  # 电子证照反馈


ONLINE_DEPTH_LABELS: dict[OnlineDepth, tuple[str, str]] = {
    OnlineDepth.CONSULT: ("网上咨询", "Consultation online"),
    OnlineDepth.RECEIVE: ("网上收件", "Documents received online"),
    OnlineDepth.PRE_REVIEW: ("网上预审", "Pre-review online"),
    OnlineDepth.ACCEPT: ("网上受理", "Accepted online"),
    OnlineDepth.HANDLE: ("网上办理", "Handled online"),
    OnlineDepth.RESULT: ("全程网办、结果反馈", "Handled online with the result online"),
    OnlineDepth.CERTIFICATE: ("电子证照反馈", "Result as an electronic certificate"),
}

# From this depth on (网上收件) the guide shows "apply online" (/services/apply/{code}).
APPLY_ONLINE_FROM = OnlineDepth.RECEIVE


class ItemStatus(StrEnum):
    DRAFT = "draft"  # never published
    PUBLISHED = "published"  # has a published version
    RETIRED = "retired"  # no longer accepts applications


ITEM_STATUS_LABELS: dict[ItemStatus, tuple[str, str]] = {
    ItemStatus.DRAFT: ("草稿", "Draft"),
    ItemStatus.PUBLISHED: ("已发布", "Published"),
    ItemStatus.RETIRED: ("已停用", "Retired"),
}


class VersionStatus(StrEnum):
    """A version is a draft until published; publishing the next one supersedes it (applications
    made under it keep it); retiring the item retires its published version."""

    DRAFT = "draft"
    PUBLISHED = "published"
    SUPERSEDED = "superseded"
    RETIRED = "retired"


VERSION_STATUS_LABELS: dict[VersionStatus, tuple[str, str]] = {
    VersionStatus.DRAFT: ("草稿", "Draft"),
    VersionStatus.PUBLISHED: ("现行", "In force"),
    VersionStatus.SUPERSEDED: ("已被新版本替代", "Superseded"),
    VersionStatus.RETIRED: ("已停用", "Retired"),
}


class Audience(StrEnum):
    """服务对象主题: 个人 or 法人."""

    PERSONAL = "personal"  # 个人办事
    LEGAL = "legal"  # 法人办事


AUDIENCE_LABELS: dict[Audience, tuple[str, str]] = {
    Audience.PERSONAL: ("个人办事", "For individuals"),
    Audience.LEGAL: ("法人办事", "For organisations"),
}


class LifeEvent(StrEnum):
    """Life-event topics (个人/法人生命周期主题) the guide groups items by; bundles build on them."""

    NEWBORN = "newborn"  # 新生儿出生
    SCHOOLING = "schooling"  # 入学教育
    EMPLOYMENT = "employment"  # 就业创业
    MARRIAGE = "marriage"  # 婚姻登记
    HOUSING = "housing"  # 住房保障与不动产
    SOCIAL_SECURITY = "social_security"  # 社会保障
    MEDICAL = "medical"  # 医疗卫生
    TRANSPORT = "transport"  # 交通出行
    RETIREMENT = "retirement"  # 退休
    POSTHUMOUS = "posthumous"  # 身后事
    OPEN_BUSINESS = "open_business"  # 开办企业
    OPEN_RESTAURANT = "open_restaurant"  # 开办餐馆
    CONSTRUCTION = "construction"  # 工程建设
    BUSINESS_CHANGE = "business_change"  # 变更经营
    CLOSE_BUSINESS = "close_business"  # 企业注销


LIFE_EVENT_LABELS: dict[LifeEvent, tuple[str, str]] = {
    LifeEvent.NEWBORN: ("新生儿出生", "A child is born"),
    LifeEvent.SCHOOLING: ("入学教育", "Going to school"),
    LifeEvent.EMPLOYMENT: ("就业创业", "Work and start-ups"),
    LifeEvent.MARRIAGE: ("婚姻登记", "Marriage"),
    LifeEvent.HOUSING: ("住房不动产", "Housing and property"),
    LifeEvent.SOCIAL_SECURITY: ("社会保障", "Social security"),
    LifeEvent.MEDICAL: ("医疗卫生", "Health"),
    LifeEvent.TRANSPORT: ("交通出行", "Transport"),
    LifeEvent.RETIREMENT: ("退休", "Retirement"),
    LifeEvent.POSTHUMOUS: ("身后事", "After a death"),
    LifeEvent.OPEN_BUSINESS: ("开办企业", "Starting a business"),
    LifeEvent.OPEN_RESTAURANT: ("开办餐馆", "Opening a restaurant"),
    LifeEvent.CONSTRUCTION: ("工程建设", "Construction projects"),
    LifeEvent.BUSINESS_CHANGE: ("经营变更", "Changing a business"),
    LifeEvent.CLOSE_BUSINESS: ("企业注销", "Closing a business"),
}


class ApplicantType(StrEnum):
    """申请人类型 (DOMAIN.md §3) an item serves."""

    NATURAL_PERSON = "1"  # 自然人
    ENTERPRISE = "2"  # 企业法人
    INSTITUTION = "3"  # 事业法人
    SOCIAL_ORGANISATION = "4"  # 社会组织法人
    UNINCORPORATED = "5"  # 非法人企业
    AUTHORITY = "6"  # 行政机关
    OTHER = "9"  # 其他组织


APPLICANT_TYPE_LABELS: dict[ApplicantType, tuple[str, str]] = {
    ApplicantType.NATURAL_PERSON: ("自然人", "Natural person"),
    ApplicantType.ENTERPRISE: ("企业法人", "Enterprise legal person"),
    ApplicantType.INSTITUTION: ("事业法人", "Public institution"),
    ApplicantType.SOCIAL_ORGANISATION: ("社会组织法人", "Social organisation"),
    ApplicantType.UNINCORPORATED: ("非法人企业", "Unincorporated enterprise"),
    ApplicantType.AUTHORITY: ("行政机关", "Government body"),
    ApplicantType.OTHER: ("其他组织", "Other organisation"),
}


class SpecialProcedure(StrEnum):
    """特别程序 (行政许可法 art. 45: their time is not counted in the limit)."""

    HEARING = "hearing"  # 听证
    AUCTION = "auction"  # 招标、拍卖
    TESTING = "testing"  # 检验、检测、检疫
    INSPECTION = "inspection"  # 现场核查、勘验
    APPRAISAL = "appraisal"  # 鉴定
    EXPERT_REVIEW = "expert_review"  # 专家评审
    PUBLIC_NOTICE = "public_notice"  # 公示


SPECIAL_PROCEDURE_LABELS: dict[SpecialProcedure, tuple[str, str]] = {
    SpecialProcedure.HEARING: ("听证", "Hearing"),
    SpecialProcedure.AUCTION: ("招标、拍卖", "Tender or auction"),
    SpecialProcedure.TESTING: ("检验、检测、检疫", "Testing"),
    SpecialProcedure.INSPECTION: ("现场核查", "On-site inspection"),
    SpecialProcedure.APPRAISAL: ("鉴定", "Appraisal"),
    SpecialProcedure.EXPERT_REVIEW: ("专家评审", "Expert review"),
    SpecialProcedure.PUBLIC_NOTICE: ("公示", "Public notice"),
}


class ResultType(StrEnum):
    """办理结果类型."""

    LICENCE = "licence"  # 证照
    APPROVAL = "approval"  # 批准文书
    CERTIFICATE_DOC = "certification"  # 证明文件
    FILING = "filing"  # 备案回执
    PAYMENT = "payment"  # 待遇发放
    OTHER = "other"  # 其他


RESULT_TYPE_LABELS: dict[ResultType, tuple[str, str]] = {
    ResultType.LICENCE: ("证照", "Licence"),
    ResultType.APPROVAL: ("批准文书", "Approval document"),
    ResultType.CERTIFICATE_DOC: ("证明文件", "Certificate or proof"),
    ResultType.FILING: ("备案回执", "Filing receipt"),
    ResultType.PAYMENT: ("待遇核定与发放", "Benefit granted"),
    ResultType.OTHER: ("其他", "Other"),
}


class FieldType(StrEnum):
    """Canonical form field types (bundles merge forms by field code)."""

    TEXT = "text"
    TEXTAREA = "textarea"
    DATE = "date"
    NUMBER = "number"
    PHONE = "phone"
    ID_NUMBER = "id_number"  # 公民身份号码 (GB 11643 checksum)
    CREDIT_CODE = "credit_code"  # 统一社会信用代码 (GB 32100 checksum)
    CHOICE = "choice"
    BOOLEAN = "boolean"
    ADDRESS = "address"


FIELD_TYPE_LABELS: dict[FieldType, tuple[str, str]] = {
    FieldType.TEXT: ("文本", "Text"),
    FieldType.TEXTAREA: ("多行文本", "Long text"),
    FieldType.DATE: ("日期", "Date"),
    FieldType.NUMBER: ("数字", "Number"),
    FieldType.PHONE: ("手机号码", "Mobile number"),
    FieldType.ID_NUMBER: ("身份证号码", "ID number"),
    FieldType.CREDIT_CODE: ("统一社会信用代码", "Unified social credit code"),
    FieldType.CHOICE: ("选择", "Choice"),
    FieldType.BOOLEAN: ("是否", "Yes or no"),
    FieldType.ADDRESS: ("地址", "Address"),
}

# Field types whose values are personal data (encrypted at rest by whoever stores answers).
PERSONAL_FIELD_TYPES = frozenset({FieldType.PHONE, FieldType.ID_NUMBER})
