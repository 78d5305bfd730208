//! The names the demo and scale data draw from: departments, parks, company
//! name parts and project kinds.

pub const DEPARTMENTS: &[&str] = &[
    "市商务局",
    "市发展和改革委员会",
    "高新区管委会",
    "经济技术开发区管委会",
    "临港产业园管委会",
    "东城区人民政府",
    "西城区人民政府",
];

pub const PARKS: &[(&str, &str)] = &[
    ("高新技术产业园", "电子信息、生物医药和数字经济企业的集聚区，提供标准厂房和人才公寓。"),
    ("经济技术开发区", "先进制造和高端装备基地，重型厂房与铁路专用线齐备。"),
    ("临港新材料产业园", "新材料与新能源产业园，毗邻深水港区，危化品仓储配套。"),
];

pub const CN_PREFIXES: &[&str] = &["上海", "苏州", "杭州", "南京", "无锡", "宁波", "合肥", "常州", "嘉兴", "南通"];

pub const CN_AREA_CODES: &[&str] =
    &["310000", "320500", "330100", "320100", "320200", "330200", "340100", "320400", "330400", "320600"];

pub const CN_WORDS: &[&str] = &[
    "瑞科", "恒信", "华晟", "远景", "智联", "汇川", "博创", "天合", "中科", "新澳", "晶盛", "海容", "金石", "联创",
    "鼎泰", "卓越", "启明", "万润", "德尔", "星源",
];

pub const CN_TRADES: &[&str] = &[
    "新能源科技",
    "新材料",
    "生物医药",
    "智能装备",
    "电子科技",
    "信息技术",
    "汽车零部件",
    "精密制造",
    "物流",
    "数字科技",
];

pub const FOREIGN: &[(&str, &str)] = &[
    ("DE", "GmbH"),
    ("US", "Inc."),
    ("JP", "Co., Ltd."),
    ("KR", "Co., Ltd."),
    ("SG", "Pte. Ltd."),
    ("FR", "SAS"),
    ("GB", "Ltd."),
    ("HK", "Limited"),
    ("NL", "B.V."),
    ("IT", "S.p.A."),
];

pub const FOREIGN_WORDS: &[&str] = &[
    "Nordwind",
    "Alpina",
    "Bluecrest",
    "Helios",
    "Kestrel",
    "Meridian",
    "Orion",
    "Sakura",
    "Hanbit",
    "Lumen",
    "Vector",
    "Tessera",
    "Quanta",
    "Riverstone",
    "Everbright",
];

pub const FOREIGN_TRADES: &[&str] =
    &["Components", "Materials", "Pharma", "Robotics", "Semiconductor", "Energy Systems", "Logistics"];

pub const PROJECT_KINDS: &[&str] = &[
    "动力电池生产基地",
    "光伏组件项目",
    "高性能复合材料项目",
    "创新药研发中心",
    "半导体封测项目",
    "工业机器人产线",
    "智能网联汽车零部件项目",
    "数据中心项目",
    "区域总部项目",
    "冷链物流中心",
    "氢能装备项目",
    "医疗器械产业化项目",
];
