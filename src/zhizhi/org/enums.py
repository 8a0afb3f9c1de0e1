from __future__ import annotations

from enum import StrEnum


class DepartmentKind(StrEnum):
    CITY = "city"  # 市
    DISTRICT = "district"  # 区县
    STREET = "street"  # 街道 / 乡镇
    COMMUNITY = "community"  # 社区 / 村
    FUNCTIONAL = "functional"  # 职能部门
    CENTER = "center"  # 12345 热线中心 / 指挥中心
    ENTERPRISE = "enterprise"  # 公共企事业单位 (水电气热)


DEPARTMENT_KIND_LABELS = {
    DepartmentKind.CITY: ("市", "City"),
    DepartmentKind.DISTRICT: ("区县", "District / county"),
    DepartmentKind.STREET: ("街道乡镇", "Street / township"),
    DepartmentKind.COMMUNITY: ("社区村", "Community / village"),
    DepartmentKind.FUNCTIONAL: ("职能部门", "Functional department"),
    DepartmentKind.CENTER: ("热线中心", "Hotline centre"),
    DepartmentKind.ENTERPRISE: ("公共企事业单位", "Public utility"),
}
