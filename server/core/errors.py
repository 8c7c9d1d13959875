"""The one error type services raise; server/api/errors.py renders it as JSON."""

import re

MESSAGES = {
    400: "请求格式不正确",
    401: "请先登录",
    403: "没有权限",
    404: "未找到",
    405: "不支持的请求方法",
    409: "数据已被修改，请先同步",
    412: "版本不一致，请先同步",
    413: "请求过大",
    415: "不支持的内容类型",
    422: "填写有误",
    428: "缺少版本号",
    429: "尝试次数过多，请稍后再试",
    500: "服务器内部错误",
}


class ApiError(Exception):
    """Raised by handlers and services; rendered as the one error shape."""

    def __init__(
        self,
        status: int,
        message: str | None = None,
        code: str | None = None,
        fields: dict | None = None,
        **extra,
    ):
        super().__init__(message or MESSAGES.get(status, ""))
        self.status = status
        self.message = message or MESSAGES.get(status, "错误")
        self.code = code or str(status)
        self.fields = fields
        self.extra = extra


def flatten_messages(messages: dict, prefix: str = "") -> dict:
    """marshmallow's nested messages → flat dotted paths with lists of Chinese messages."""
    out: dict[str, list[str]] = {}
    for key, value in messages.items():
        path = f"{prefix}{key}"
        if isinstance(value, dict):
            out.update(flatten_messages(value, path + "."))
        else:
            out[path] = [_chinese(v) for v in (value if isinstance(value, list) else [value])]
    return out


_TRANSLATE = {
    "Missing data for required field.": "必填",
    "Not a valid integer.": "应为整数",
    "Not a valid string.": "应为文字",
    "Not a valid number.": "应为数字",
    "Not a valid UUID.": "编号格式不正确",
    "Not a valid boolean.": "应为是或否",
    "Not a valid date.": "日期格式不正确",
    "Not a valid datetime.": "日期时间格式不正确",
    "Not a valid time.": "时间格式不正确",
    "Not a valid mapping type.": "格式不正确",
    "Not a valid list.": "应为列表",
    "Not a valid email address.": "邮箱格式不正确",
    "Not a valid URL.": "网址格式不正确",
    "Special numeric values (nan or infinity) are not permitted.": "应为数字",
    "String does not match expected pattern.": "格式不正确",
    "Unknown field.": "未知字段",
    "Field may not be null.": "不能为空",
    "Invalid input type.": "格式不正确",
    "Invalid input.": "不在可选范围内",
    "Invalid value.": "格式不正确",
}

# marshmallow's messages that carry a limit, turned into Chinese that keeps the limit.
_PATTERNS = [
    (re.compile(r"Longer than maximum length (\S+)\.$"), "长度不能超过 {0}"),
    (re.compile(r"Shorter than minimum length (\S+)\.$"), "长度不能少于 {0}"),
    (re.compile(r"Length must be between (\S+) and (\S+)\.$"), "长度应在 {0} 到 {1} 之间"),
    (re.compile(r"Length must be (\S+)\.$"), "长度应为 {0}"),
    (
        re.compile(r"Must be greater than or equal to (\S+) and less than or equal to (\S+)\.$"),
        "应在 {0} 到 {1} 之间",
    ),
    (re.compile(r"Must be greater than or equal to (\S+)\.$"), "不能小于 {0}"),
    (re.compile(r"Must be less than or equal to (\S+)\.$"), "不能大于 {0}"),
    (re.compile(r"Must be greater than (\S+)\.$"), "应大于 {0}"),
    (re.compile(r"Must be less than (\S+)\.$"), "应小于 {0}"),
    (re.compile(r"Must be greater .*|Must be less .*"), "超出允许范围"),
    (re.compile(r"Must be one of.*"), "不在可选范围内"),
]
_HAN = re.compile(r"[\u4e00-\u9fff]")


def _chinese(message) -> str:
    """A message for the user: ours are Chinese already; marshmallow's are translated, and one
    that nothing here knows becomes a plain "格式不正确" rather than reaching a surveyor in
    English."""
    if not isinstance(message, str):
        return str(message)
    if message in _TRANSLATE:
        return _TRANSLATE[message]
    for pattern, chinese in _PATTERNS:
        match = pattern.match(message)
        if match:
            return chinese.format(*match.groups())
    return message if _HAN.search(message) else "格式不正确"


def fields_from_messages(messages: list[dict]) -> dict:
    """Domain validation messages → {path: [message, ...]} for the UI."""
    out: dict[str, list[str]] = {}
    for m in messages:
        out.setdefault(m["path"], []).append(m["message"])
    return out
