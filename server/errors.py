"""The one error type services raise; server/api/errors.py renders it as JSON."""

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
    "Not a valid mapping type.": "格式不正确",
    "Not a valid list.": "应为列表",
    "Unknown field.": "未知字段",
    "Field may not be null.": "不能为空",
    "Invalid input type.": "格式不正确",
}


def _chinese(message) -> str:
    if not isinstance(message, str):
        return str(message)
    if message in _TRANSLATE:
        return _TRANSLATE[message]
    if message.startswith("Length must be") or message.startswith("Shorter than"):
        return "长度不符合要求"
    if message.startswith("Must be one of"):
        return "不在可选范围内"
    if message.startswith("Must be greater") or message.startswith("Must be less"):
        return "超出允许范围"
    return message
