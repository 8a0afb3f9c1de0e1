"""Vocabularies of service items (DOMAIN.md §3, GB/T 39554): item types, levels, limit units,
material forms and sources, online depth, statuses, audiences and life events.

Each member carries its (中文, English) name (``core.labels``); ``*_LABELS`` is the vocabulary's
``labels()`` (value → names). Pages take their words from the catalogue (``services.po``), the
API and the Excel sheets from these labels."""

from __future__ import annotations

from zhizhi.core.labels import LabelledIntEnum, LabelledStrEnum


class ItemType(LabelledStrEnum):
    """事项类型 (GB/T 39554.1, DOMAIN.md §3): kinds of administrative power and public services."""

    LICENSING = "01", "行政许可", "Administrative licensing"
    PENALTY = "02", "行政处罚", "Administrative penalty"
    COERCION = "03", "行政强制", "Administrative coercion"
    LEVY = "04", "行政征收", "Administrative levy"
    BENEFIT = "05", "行政给付", "Administrative benefit"
    INSPECTION = "06", "行政检查", "Administrative inspection"
    CONFIRMATION = "07", "行政确认", "Administrative confirmation"
    REWARD = "08", "行政奖励", "Administrative reward"
    ADJUDICATION = "09", "行政裁决", "Administrative adjudication"
    OTHER_POWER = "10", "其他行政权力", "Other administrative power"
    # 行政备案: used by provincial lists since the 2022 filing reform
    FILING = "11", "行政备案", "Administrative filing"
    PUBLIC_SERVICE = "20", "公共服务", "Public service"


ITEM_TYPE_LABELS = ItemType.labels()


class Level(LabelledIntEnum):
    """行使层级: who exercises the item."""

    NATIONAL = 1, "国家级", "National"
    PROVINCIAL = 2, "省级", "Provincial"
    MUNICIPAL = 3, "市级", "Municipal"
    COUNTY = 4, "县级", "County / district"
    TOWNSHIP = 5, "镇（乡、街道）级", "Township / street"
    VILLAGE = 6, "村（社区）级", "Village / community"


LEVEL_LABELS = Level.labels()


class LimitUnit(LabelledStrEnum):
    WORKING_DAY = "working_day", "个工作日", "working days"  # 工作日
    CALENDAR_DAY = "calendar_day", "个自然日", "calendar days"  # 自然日
    HOUR = "hour", "小时", "hours"


LIMIT_UNIT_LABELS = LimitUnit.labels()


class CaseType(LabelledStrEnum):
    """办件类型: 即办件 is decided at acceptance (limits 0), 承诺件 within the promised limit."""

    IMMEDIATE = "immediate", "即办件", "Decided on the spot"
    PROMISED = "promised", "承诺件", "Decided within the promised time"


CASE_TYPE_LABELS = CaseType.labels()


class HandlingForm(LabelledStrEnum):
    """办理形式."""

    WINDOW = "window", "窗口办理", "At a window"
    ONLINE = "online", "网上办理", "Online"
    POST = "post", "快递申请", "By post"


HANDLING_FORM_LABELS = HandlingForm.labels()


class MaterialForm(LabelledStrEnum):
    """材料形式."""

    PAPER = "paper", "纸质", "Paper"
    ELECTRONIC = "electronic", "电子", "Electronic"
    BOTH = "both", "纸质或电子", "Paper or electronic"


MATERIAL_FORM_LABELS = MaterialForm.labels()


class SourceKind(LabelledStrEnum):
    """材料来源渠道; ``shared`` and ``certificate`` carry a code: ``shared:<resource code>``,
    ``certificate:<certificate type code>`` (rules.parse_source)."""

    APPLICANT = "applicant", "申请人自备", "Brought by the applicant"
    SHARED = "shared", "共享数据获取", "Fetched from shared data"  # 共享数据（数据共享目录的资源）
    CERTIFICATE = "certificate", "电子证照库获取", "Fetched from the certificate library"  # 电子证照库
    ISSUED = "issued", "政府部门核发", "Issued by a department"  # （本部门或其他部门出具）


SOURCE_LABELS = SourceKind.labels()


class OnlineDepth(LabelledIntEnum):
    """网上办理深度 (1 consult … 7 e-certificate feedback)."""

    CONSULT = 1, "网上咨询", "Consultation online"
    RECEIVE = 2, "网上收件", "Documents received online"
    PRE_REVIEW = 3, "网上预审", "Pre-review online"
    ACCEPT = 4, "网上受理", "Accepted online"
    HANDLE = 5, "网上办理", "Handled online"
    RESULT = 6, "全程网办、结果反馈", "Handled online with the result online"  # 网上办结、结果反馈
    CERTIFICATE = 7, "电子证照反馈", "Result as an electronic certificate"


ONLINE_DEPTH_LABELS = OnlineDepth.labels()

# From this depth on (网上收件) the guide shows "apply online" (/services/apply/{code}).
APPLY_ONLINE_FROM = OnlineDepth.RECEIVE


class ItemStatus(LabelledStrEnum):
    DRAFT = "draft", "草稿", "Draft"  # never published
    PUBLISHED = "published", "已发布", "Published"  # has a published version
    RETIRED = "retired", "已停用", "Retired"  # no longer accepts applications


ITEM_STATUS_LABELS = ItemStatus.labels()


class VersionStatus(LabelledStrEnum):
    """A version is a draft until published; publishing the next one supersedes it (applications
    made under it keep it); retiring the item retires its published version."""

    DRAFT = "draft", "草稿", "Draft"
    PUBLISHED = "published", "现行", "In force"
    SUPERSEDED = "superseded", "已被新版本替代", "Superseded"
    RETIRED = "retired", "已停用", "Retired"


VERSION_STATUS_LABELS = VersionStatus.labels()


class Audience(LabelledStrEnum):
    """服务对象主题: 个人 or 法人."""

    PERSONAL = "personal", "个人办事", "For individuals"
    LEGAL = "legal", "法人办事", "For organisations"


AUDIENCE_LABELS = Audience.labels()


class LifeEvent(LabelledStrEnum):
    """Life-event topics (个人/法人生命周期主题) the guide groups items by; bundles build on them."""

    NEWBORN = "newborn", "新生儿出生", "A child is born"
    SCHOOLING = "schooling", "入学教育", "Going to school"
    EMPLOYMENT = "employment", "就业创业", "Work and start-ups"
    MARRIAGE = "marriage", "婚姻登记", "Marriage"
    HOUSING = "housing", "住房不动产", "Housing and property"  # 住房保障与不动产
    SOCIAL_SECURITY = "social_security", "社会保障", "Social security"
    MEDICAL = "medical", "医疗卫生", "Health"
    TRANSPORT = "transport", "交通出行", "Transport"
    RETIREMENT = "retirement", "退休", "Retirement"
    POSTHUMOUS = "posthumous", "身后事", "After a death"
    OPEN_BUSINESS = "open_business", "开办企业", "Starting a business"
    OPEN_RESTAURANT = "open_restaurant", "开办餐馆", "Opening a restaurant"
    CONSTRUCTION = "construction", "工程建设", "Construction projects"
    BUSINESS_CHANGE = "business_change", "经营变更", "Changing a business"  # 变更经营
    CLOSE_BUSINESS = "close_business", "企业注销", "Closing a business"


LIFE_EVENT_LABELS = LifeEvent.labels()


class ApplicantType(LabelledStrEnum):
    """申请人类型 (DOMAIN.md §3) an item serves."""

    NATURAL_PERSON = "1", "自然人", "Natural person"
    ENTERPRISE = "2", "企业法人", "Enterprise legal person"
    INSTITUTION = "3", "事业法人", "Public institution"
    SOCIAL_ORGANISATION = "4", "社会组织法人", "Social organisation"
    UNINCORPORATED = "5", "非法人企业", "Unincorporated enterprise"
    AUTHORITY = "6", "行政机关", "Government body"
    OTHER = "9", "其他组织", "Other organisation"


APPLICANT_TYPE_LABELS = ApplicantType.labels()


class SpecialProcedure(LabelledStrEnum):
    """特别程序 (行政许可法 art. 45: their time is not counted in the limit)."""

    HEARING = "hearing", "听证", "Hearing"
    AUCTION = "auction", "招标、拍卖", "Tender or auction"
    TESTING = "testing", "检验、检测、检疫", "Testing"
    INSPECTION = "inspection", "现场核查", "On-site inspection"  # 现场核查、勘验
    APPRAISAL = "appraisal", "鉴定", "Appraisal"
    EXPERT_REVIEW = "expert_review", "专家评审", "Expert review"
    PUBLIC_NOTICE = "public_notice", "公示", "Public notice"


SPECIAL_PROCEDURE_LABELS = SpecialProcedure.labels()


class ResultType(LabelledStrEnum):
    """办理结果类型."""

    LICENCE = "licence", "证照", "Licence"
    APPROVAL = "approval", "批准文书", "Approval document"
    CERTIFICATE_DOC = "certification", "证明文件", "Certificate or proof"
    FILING = "filing", "备案回执", "Filing receipt"
    PAYMENT = "payment", "待遇核定与发放", "Benefit granted"  # 待遇发放
    OTHER = "other", "其他", "Other"


RESULT_TYPE_LABELS = ResultType.labels()


class FieldType(LabelledStrEnum):
    """Canonical form field types (bundles merge forms by field code)."""

    TEXT = "text", "文本", "Text"
    TEXTAREA = "textarea", "多行文本", "Long text"
    DATE = "date", "日期", "Date"
    NUMBER = "number", "数字", "Number"
    PHONE = "phone", "手机号码", "Mobile number"
    ID_NUMBER = "id_number", "身份证号码", "ID number"  # 公民身份号码 (GB 11643 checksum)
    CREDIT_CODE = "credit_code", "统一社会信用代码", "Unified social credit code"  # (GB 32100 checksum)
    CHOICE = "choice", "选择", "Choice"
    BOOLEAN = "boolean", "是否", "Yes or no"
    ADDRESS = "address", "地址", "Address"


FIELD_TYPE_LABELS = FieldType.labels()

# Field types whose values are personal data (encrypted at rest by whoever stores answers).
PERSONAL_FIELD_TYPES = frozenset({FieldType.PHONE, FieldType.ID_NUMBER})
