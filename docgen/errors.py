"""Errors a user can cause; each carries a Vietnamese message fit to show as is."""


class UserError(Exception):
    """An error caused by the user's input or environment; shown without a traceback."""

    exit_code = 2

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class InputError(UserError):
    """Invalid document input; `problems` lists (field path, message) pairs, in order."""

    def __init__(self, problems: list[tuple[str, str]]):
        self.problems = list(problems)
        first = self.problems[0] if self.problems else ("", "dữ liệu không hợp lệ")
        text = f"Trường «{first[0]}»: {first[1]}" if first[0] else first[1]
        if len(self.problems) > 1:
            text += f" (và {len(self.problems) - 1} lỗi khác)"
        super().__init__(text)

    def by_field(self) -> dict[str, list[str]]:
        """Messages grouped by field path, for showing them next to form fields."""
        grouped: dict[str, list[str]] = {}
        for path, message in self.problems:
            grouped.setdefault(path, []).append(message)
        return grouped

    def lines(self) -> list[str]:
        return [f"Trường «{p}»: {m}" if p else m for p, m in self.problems]


class TemplateProblem(UserError):
    """A template cannot be rendered (unknown variable, broken Jinja syntax, broken DOCX)."""
