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
