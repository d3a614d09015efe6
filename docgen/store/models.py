"""SQLAlchemy 2 models: bodies, signers, units, yearly assessments, households, the
register of outgoing documents ("Sổ văn bản đi") and the numbering counters."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (Boolean, Date, DateTime, Float, ForeignKey, Index, Integer, LargeBinary,
                        String, Text, UniqueConstraint)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from .. import domain

STATUS_DRAFT = "draft"
STATUS_ISSUED = "issued"


def utcnow() -> dt.datetime:
    # Naive UTC: SQLite has no time zones and PostgreSQL's "timestamp" column is naive too.
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


class Base(DeclarativeBase):
    pass


class Body(Base):
    """An issuing or assessing body: a People's Committee, a steering committee, a police
    office. Levels are data (`level` free text, `parent_id` the body above, if stored)."""

    __tablename__ = "body"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))  # prose case: "Ủy ban nhân dân huyện Quan Sơn"
    abbreviation: Mapped[str] = mapped_column(String(30))  # in symbols: "UBND"
    place: Mapped[str] = mapped_column(String(60))  # ND30 địa danh: "Quan Sơn"
    superior: Mapped[str] = mapped_column(String(200), default="")  # printed above; "" for none
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("body.id"))
    level: Mapped[str] = mapped_column(String(30), default="")  # "tỉnh", "huyện", "xã"
    commune: Mapped[str] = mapped_column(String(100), default="")  # for commune-level bodies
    # Who proposes what this body decides ("Trưởng Công an huyện"); "" means
    # "Trưởng Công an <level>".
    proposer: Mapped[str] = mapped_column(String(200), default="")
    # Mã định danh (Quyết định 20/2020/QĐ-TTg), exported in the register's metadata
    # (ND30 Phụ lục VI); "" not recorded.
    identifier: Mapped[str] = mapped_column(String(13), default="")

    parent: Mapped[Body | None] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list[Body]] = relationship(back_populates="parent")
    signers: Mapped[list[Signer]] = relationship(
        back_populates="body", cascade="all, delete-orphan", order_by="Signer.id")

    def __repr__(self) -> str:
        return f"<Body {self.id} {self.name!r}>"


class Signer(Base):
    """A person who signs for a body, with the authority prefix (TM., KT., …)."""

    __tablename__ = "signer"

    id: Mapped[int] = mapped_column(primary_key=True)
    body_id: Mapped[int] = mapped_column(ForeignKey("body.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    position: Mapped[str] = mapped_column(String(200), default="")  # may hold "\n"
    # "" (direct) | TM. | KT. | Q. | TL. | TUQ.
    authority: Mapped[str] = mapped_column(String(10), default="")
    on_behalf: Mapped[str] = mapped_column(String(200), default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    body: Mapped[Body] = relationship(back_populates="signers")

    def as_input(self) -> dict:
        """The signer as a document input's `signer` record."""
        return {"name": self.name, "position": self.position, "authority": self.authority,
                "on_behalf": self.on_behalf}

    def __repr__(self) -> str:
        return f"<Signer {self.id} {self.name!r}>"


class Unit(Base):
    """An assessed unit: khu dân cư, xã, cơ quan, doanh nghiệp or cơ sở giáo dục."""

    __tablename__ = "unit"
    __table_args__ = (UniqueConstraint("body_id", "name_key", name="uq_unit_body_name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(300))
    # fold(name): lower case without diacritics, for search and for refusing duplicates.
    name_key: Mapped[str] = mapped_column(String(300), index=True)
    kind: Mapped[str] = mapped_column(String(30))  # a code of domain.UNIT_KINDS
    # Indexed: the lists filter and scope by commune (store.listing).
    commune: Mapped[str] = mapped_column(String(100), default="", index=True)
    body_id: Mapped[int] = mapped_column(ForeignKey("body.id"), index=True)
    note: Mapped[str] = mapped_column(String(300), default="")
    # A category code of docgen.rules (kind of school, size of enterprise…); "" not recorded.
    category: Mapped[str] = mapped_column(String(30), default="")
    # The tier that manages the unit (a code of docgen.rules.TIERS); "" means its category's,
    # else its body's (Rules.managing_tier).
    managed_by: Mapped[str] = mapped_column(String(10), default="")

    body: Mapped[Body] = relationship()

    @property
    def kind_record(self) -> domain.UnitKind | None:
        return domain.unit_kind(self.kind)

    @property
    def kind_label(self) -> str:
        record = self.kind_record
        return record.label if record else self.kind

    def __repr__(self) -> str:
        return f"<Unit {self.id} {self.name!r}>"


class Assessment(Base):
    """One unit's outcome for one year: scores, "An toàn về ANTT", suggested and decided class."""

    __tablename__ = "assessment"
    __table_args__ = (UniqueConstraint("unit_id", "year", name="uq_assessment_unit_year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id", ondelete="CASCADE"), index=True)
    year: Mapped[int] = mapped_column(Integer, index=True)  # the default year: max(year)
    self_score: Mapped[float | None] = mapped_column(Float)
    reviewed_score: Mapped[float | None] = mapped_column(Float)
    safe: Mapped[bool] = mapped_column(Boolean, default=False)
    suggested: Mapped[str | None] = mapped_column(String(20))  # class code from the policy
    decided: Mapped[str | None] = mapped_column(String(20))  # class code the committee decided
    reason: Mapped[str] = mapped_column(String(500), default="")
    note: Mapped[str] = mapped_column(String(300), default="")
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)

    unit: Mapped[Unit] = relationship()

    @property
    def suggested_class(self) -> domain.UnitClass | None:
        return domain.unit_class(self.suggested) if self.suggested else None

    @property
    def decided_class(self) -> domain.UnitClass | None:
        return domain.unit_class(self.decided) if self.decided else None


class Household(Base):
    """A household head of a residential area's list for one year, who signs that year's
    commitment form. Personal data: only what the form prints is kept (no note)."""

    __tablename__ = "household"
    __table_args__ = (Index("ix_household_year_unit", "year", "unit_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id", ondelete="CASCADE"), index=True)
    year: Mapped[int] = mapped_column(Integer)  # the assessment year the list was collected for
    full_name: Mapped[str] = mapped_column(String(100))
    birth_year: Mapped[int | None] = mapped_column(Integer)
    id_number: Mapped[str] = mapped_column(String(20), default="")
    address: Mapped[str] = mapped_column(String(200), default="")

    unit: Mapped[Unit] = relationship()


class HouseholdShare(Base):
    """How many households of a residential area signed that year's list (Circular 124
    Điều 4 khoản 1: 100% register), as the clerk records it once the list comes back;
    `total` the households living there when it differs from the stored list (None: the
    list's count). Counts only, no personal data."""

    __tablename__ = "household_share"
    __table_args__ = (UniqueConstraint("unit_id", "year", name="uq_household_share_unit_year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id", ondelete="CASCADE"), index=True)
    year: Mapped[int] = mapped_column(Integer)
    signed: Mapped[int] = mapped_column(Integer)
    total: Mapped[int | None] = mapped_column(Integer)
    recorded_by: Mapped[str] = mapped_column(String(100), default="")
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)

    unit: Mapped[Unit] = relationship()


class Document(Base):
    """One entry of the register: a draft (number None) or an issued document with its DOCX."""

    __tablename__ = "document"
    __table_args__ = (
        # ND30: a number is unique within the body's year; NULL (drafts) never collides.
        UniqueConstraint("body_id", "year", "number", name="uq_document_number"),
        Index("ix_document_body_year", "body_id", "year"),
        # The register of every body, a year at a time, and the lists of one kind.
        Index("ix_document_year_number", "year", "number"),
        Index("ix_document_kind_status", "kind", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    body_id: Mapped[int] = mapped_column(ForeignKey("body.id"))
    kind: Mapped[str] = mapped_column(String(30))  # a document kind name: "decision", "plan", …
    year: Mapped[int] = mapped_column(Integer)  # register year: of issued_on, or of creation
    number: Mapped[int | None] = mapped_column(Integer)
    symbol: Mapped[str] = mapped_column(String(60), default="")  # "15/QĐ-UBND"; "/QĐ-UBND" as draft
    issued_on: Mapped[dt.date | None] = mapped_column(Date)
    summary: Mapped[str] = mapped_column(String(500), default="")  # trích yếu
    signer_name: Mapped[str] = mapped_column(String(100), default="")
    created_by: Mapped[str] = mapped_column(String(100), default="")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    status: Mapped[str] = mapped_column(String(10), default=STATUS_DRAFT)
    # The district's own template version it was made with; None: the shipped template.
    template_version_id: Mapped[int | None] = mapped_column(ForeignKey("template_version.id"))
    # The blobs are loaded only when read, so listing the register stays light.
    input_json: Mapped[str] = mapped_column(Text, deferred=True)
    docx: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)

    body: Mapped[Body] = relationship()
    template_version: Mapped[TemplateVersion | None] = relationship()
    units: Mapped[list[Unit]] = relationship(secondary="document_unit", order_by="Unit.id",
                                             viewonly=True)

    @property
    def is_issued(self) -> bool:
        return self.status == STATUS_ISSUED

    def __repr__(self) -> str:
        return f"<Document {self.id} {self.kind} {self.symbol!r} {self.status}>"


class TemplateVersion(Base):
    """A district's own DOCX template for a document kind, for one body (`body_id`) or for
    all bodies (None). Every accepted upload is a new version, never changed; at most one
    version per (kind, body) is active — none active means the shipped template."""

    __tablename__ = "template_version"
    __table_args__ = (Index("ix_template_version_kind_body", "kind", "body_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(30))
    body_id: Mapped[int | None] = mapped_column(ForeignKey("body.id"))
    version: Mapped[int] = mapped_column(Integer)  # 1, 2, … per (kind, body)
    filename: Mapped[str] = mapped_column(String(200), default="")  # as uploaded
    uploaded_by: Mapped[str] = mapped_column(String(100), default="")
    uploaded_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    sha256: Mapped[str] = mapped_column(String(64))
    active: Mapped[bool] = mapped_column(Boolean, default=False)
    findings: Mapped[str] = mapped_column(Text, default="")  # what the check said on upload
    docx: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)

    body: Mapped[Body | None] = relationship()

    @property
    def label(self) -> str:
        """«mẫu riêng số 2»: how pages and the register name the version."""
        return f"mẫu riêng số {self.version}"


class DocumentUnit(Base):
    """A unit a document lists: while the link exists the unit cannot be deleted."""

    __tablename__ = "document_unit"

    document_id: Mapped[int] = mapped_column(ForeignKey("document.id", ondelete="CASCADE"),
                                             primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), primary_key=True, index=True)


class Counter(Base):
    """The last number given by a body in a year (ND30: from 01 on 1 January)."""

    __tablename__ = "counter"

    body_id: Mapped[int] = mapped_column(ForeignKey("body.id"), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    last: Mapped[int] = mapped_column(Integer, default=0)


ROLE_DISTRICT = "district"
ROLE_COMMUNE = "commune"
ROLE_VIEWER = "viewer"
ROLES = {ROLE_DISTRICT: "Cấp huyện (toàn quyền)", ROLE_COMMUNE: "Văn thư cấp xã",
         ROLE_VIEWER: "Chỉ xem và tải về"}


class User(Base):
    """A person who signs in: a role, and for a commune clerk the commune body they serve."""

    __tablename__ = "app_user"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(60), unique=True)  # stored folded
    full_name: Mapped[str] = mapped_column(String(100), default="")
    password_hash: Mapped[str] = mapped_column(String(300))
    role: Mapped[str] = mapped_column(String(20), default=ROLE_VIEWER)
    body_id: Mapped[int | None] = mapped_column(ForeignKey("body.id"))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[dt.datetime | None] = mapped_column(DateTime)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)

    body: Mapped[Body | None] = relationship()

    @property
    def role_label(self) -> str:
        return ROLES.get(self.role, self.role)


class AuditEntry(Base):
    """Who did what to which record, and when (the audit trail)."""

    __tablename__ = "audit"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, index=True)
    username: Mapped[str] = mapped_column(String(60), default="")
    action: Mapped[str] = mapped_column(String(40))
    target: Mapped[str] = mapped_column(String(200), default="")
    detail: Mapped[str] = mapped_column(Text, default="")
    address: Mapped[str] = mapped_column(String(60), default="")


class LoginSession(Base):
    """A signed-in browser. The cookie carries a random token; `id` is its SHA-256 (hex)."""

    __tablename__ = "login_session"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id", ondelete="CASCADE"),
                                         index=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)  # for the 8 h limit
    last_seen: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)  # for the idle limit
    address: Mapped[str] = mapped_column(String(60), default="")

    user: Mapped[User] = relationship()


class LoginFailure(Base):
    """One failed sign-in from an address: the per-address limit, shared by every process."""

    __tablename__ = "login_failure"
    __table_args__ = (Index("ix_login_failure_address_at", "address", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    address: Mapped[str] = mapped_column(String(60), default="")
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


# ---- durable jobs (docgen.jobs): input, state and progress; the output in 1 MiB chunks

class JobRow(Base):
    """A job: `kind` names its handler (docgen.jobs.handlers), `payload` its JSON input;
    a PDF batch's parts are jobs with `parent_id` set (`part` their order)."""

    __tablename__ = "job"
    __table_args__ = (Index("ix_job_state_created", "state", "created"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    owner_id: Mapped[int] = mapped_column(Integer, index=True)
    parent_id: Mapped[str | None] = mapped_column(String(32), index=True)
    part: Mapped[int] = mapped_column(Integer, default=0)
    title: Mapped[str] = mapped_column(String(300), default="")
    kind: Mapped[str] = mapped_column(String(60))
    payload: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    state: Mapped[str] = mapped_column(String(10), default="waiting")
    stage: Mapped[str] = mapped_column(String(300), default="")
    done: Mapped[int] = mapped_column(Integer, default=0)
    total: Mapped[int] = mapped_column(Integer, default=0)
    message: Mapped[str] = mapped_column(Text, default="")
    problems: Mapped[str] = mapped_column(Text, default="[]")  # [[row, column, message], …]
    notes: Mapped[str] = mapped_column(Text, default="[]")  # ["…", …]
    mark: Mapped[str] = mapped_column(Text, default="")  # JSON: the household lists printed
    back: Mapped[str] = mapped_column(String(300), default="")
    download_name: Mapped[str] = mapped_column(String(300), default="")
    mimetype: Mapped[str] = mapped_column(String(120), default="application/octet-stream")
    size: Mapped[int] = mapped_column(Integer, default=0)  # bytes of the output
    parts: Mapped[int] = mapped_column(Integer, default=0)  # parts handed to other workers
    parts_done: Mapped[int] = mapped_column(Integer, default=0)
    created: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    started: Mapped[dt.datetime | None] = mapped_column(DateTime)
    finished: Mapped[dt.datetime | None] = mapped_column(DateTime)
    heartbeat: Mapped[dt.datetime | None] = mapped_column(DateTime)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    worker: Mapped[str] = mapped_column(String(120), default="")


class JobChunk(Base):
    """One piece (at most 1 MiB) of a job's output file, in order of `seq`."""

    __tablename__ = "job_chunk"

    job_id: Mapped[str] = mapped_column(String(32), ForeignKey("job.id", ondelete="CASCADE"),
                                        primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, primary_key=True)
    data: Mapped[bytes] = mapped_column(LargeBinary)


class KeptFile(Base):
    """One piece (at most 1 MiB, in order of `seq`) of a file kept for a while where every web
    process reaches it: an import's upload between its preview and its confirmation
    (`kind` "upload", `owner_id` its user), or a document's preview images (`kind` "preview",
    `owner_id` None: reached only through a page that checked the document's access). Every
    piece of a file carries its whole `size` and `expires`; the sweep deletes expired rows."""

    __tablename__ = "kept_file"
    __table_args__ = (UniqueConstraint("kind", "key", "seq", name="uq_kept_file_kind_key_seq"),
                      Index("ix_kept_file_owner_kind", "owner_id", "kind"))

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int | None] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(20))
    key: Mapped[str] = mapped_column(String(64))
    seq: Mapped[int] = mapped_column(Integer, default=0)
    data: Mapped[bytes] = mapped_column(LargeBinary)
    size: Mapped[int] = mapped_column(Integer, default=0)  # bytes of the whole file
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    expires: Mapped[dt.datetime] = mapped_column(DateTime, index=True)
