"""The roles of Ruhu's users, named once: every check of a role reads these names."""

SURVEYOR = "surveyor"  # 调查员: village cadres, work teams, helpers at the door
REVIEWER = "reviewer"  # 乡镇审核员: township review
COUNTY = "county"  # 县扶贫办: the county office
ADMIN = "admin"  # 管理员: accounts, areas, devices; never records

ROLES = (SURVEYOR, REVIEWER, COUNTY, ADMIN)
ROLE_LABELS = {
    SURVEYOR: "调查员",
    REVIEWER: "乡镇审核员",
    COUNTY: "县级管理员",
    ADMIN: "系统管理员",
}
#: Who may change a household's answers (the administrator manages accounts, not records).
EDITORS = (SURVEYOR, REVIEWER, COUNTY)
#: Who decides a conflict between two people's edits.
DECIDERS = (REVIEWER, COUNTY)
