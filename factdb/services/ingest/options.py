"""What an import is told and what it reports: its options, its summary, its record error."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from factdb.domain import OnError
from factdb.errors import Hint, InvalidInputError
from factdb.formats.readers.records import RawRecord
from factdb.ratings.mapper import RatingMapper
from factdb.schemas.interchange import RejectedRecord

UNKNOWN_REVIEWER = "unknown"
TOP_UNMAPPED_LABELS = 10
FIRST_REJECTIONS = 5
BATCH_SIZE = 1_000


class ImportRecordError(InvalidInputError):
    """A record cannot be imported; the message names the record and the reason."""

    def __init__(self, location: str, reason: str, hints: Sequence[Hint] = ()) -> None:
        super().__init__(f"{location}: {reason}", hints=hints)
        self.location = location
        self.reason = reason


@dataclass(frozen=True)
class ImportOptions:
    actor: str
    on_error: OnError = OnError.ABORT
    rating_mapper: RatingMapper = field(default_factory=RatingMapper)
    default_language: str | None = None
    batch_size: int = BATCH_SIZE
    # Embed the batch's claims for `match` as they land (else `factdb index` does it later).
    index_embeddings: bool = True
    # The bulk path: None decides (empty collection, or past BULK_THRESHOLD records read);
    # True and False force it on or off (the database contents are the same either way).
    bulk: bool | None = None


@dataclass
class ImportSummary:
    read: int = 0
    created: int = 0
    merged: int = 0
    unchanged: int = 0
    failed: int = 0
    reviews_added: int = 0
    appearances_added: int = 0
    evidence_dropped: int = 0
    # The first few rejections, for a summary that shows why.
    first_rejections: list[RejectedRecord] = field(default_factory=list)
    unmapped_labels: Counter[str] = field(default_factory=Counter)
    notes: Counter[str] = field(default_factory=Counter)

    @property
    def top_unmapped_labels(self) -> list[tuple[str, int]]:
        return self.unmapped_labels.most_common(TOP_UNMAPPED_LABELS)


RejectSink = Callable[[RejectedRecord], object]


class Rejecter:
    """What becomes of a record that cannot be imported: the import stops (``on_error`` abort)
    or the record is counted, kept among the first few for the summary and handed to the sink."""

    def __init__(
        self, options: ImportOptions, summary: ImportSummary, sink: RejectSink | None
    ) -> None:
        self.options = options
        self.summary = summary
        self.sink = sink

    def __call__(self, raw: RawRecord, reason: str, hints: Sequence[Hint] = ()) -> None:
        if self.options.on_error is OnError.ABORT:
            raise ImportRecordError(raw.location, reason, hints)
        self.summary.failed += 1
        # A skipping import of a bad file may reject every record: build a model only for the
        # first few the summary keeps and for a sink that asked for them.
        if len(self.summary.first_rejections) < FIRST_REJECTIONS:
            self.summary.first_rejections.append(
                RejectedRecord(location=raw.location, reason=reason, hints=tuple(hints))
            )
        if self.sink is not None:
            self.sink(
                RejectedRecord(
                    location=raw.location,
                    reason=reason,
                    record=raw.decoded().data,
                    hints=tuple(hints),
                )
            )
