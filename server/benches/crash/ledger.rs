//! What the writers sent and what they were told: one [`Record`] per
//! logical write (however many attempts it took), the client's side of
//! the books that `verify` holds the database to.

/// One logical write, with what identifies it in the database.
#[derive(Clone, Debug)]
pub enum Write {
    /// `save_check_in` with a client id, on the writer's check-in key result.
    CheckIn {
        id: String,
        key_result: String,
        /// The writer's n-th check-in: later ones are sent after earlier
        /// ones are answered, so the highest present one is the latest.
        seq: u64,
        value: f64,
        progress: String,
    },
    /// `update_key_result` of the title of the writer's edited key result.
    Edit { title: String },
    /// `create_objective` with a client id (a draft, closed next).
    Create { id: String, title: String },
    /// `close_objective` with a closing note.
    Close { objective: String, lessons: String },
    /// `edit_closing_note` of a note the writer closed with.
    NoteEdit { objective: String, lessons: String },
    /// A KPI reading through the token API, with an `Idempotency-Key`.
    Reading {
        kpi: i64,
        date: String,
        value: f64,
        key: String,
    },
}

impl Write {
    pub fn kind(&self) -> &'static str {
        match self {
            Write::CheckIn { .. } => "check-ins",
            Write::Edit { .. } => "key-result edits",
            Write::Create { .. } => "objectives created",
            Write::Close { .. } => "closings",
            Write::NoteEdit { .. } => "closing-note edits",
            Write::Reading { .. } => "KPI readings (API)",
        }
    }
}

/// How a write ended for the client.
#[derive(Clone, Debug, PartialEq)]
pub enum Fate {
    /// A success answer (perhaps to a retry).
    Acknowledged,
    /// Told the change was not saved (409), yet reading it back showed it
    /// saved: a retry of a change whose first answer was lost.
    ConflictButSaved,
    /// Any other refusal: its status and body.
    Refused(String),
}

/// One logical write and how it went.
#[derive(Clone, Debug)]
pub struct Record {
    pub writer: usize,
    pub write: Write,
    pub fate: Fate,
    /// Requests sent for it.
    pub attempts: u32,
    /// Attempts that ended without an answer (the server was killed, or
    /// not up): each was retried with the same id or key.
    pub cut: u32,
    /// 429 answers waited out.
    pub budget: u32,
    /// 5xx answers (retried).
    pub server_errors: u32,
    /// Times the writer had to sign in again to go on.
    pub signed_in_again: u32,
    /// A retry of a reading that was answered as a new request finding
    /// nothing to change, not with the first answer (`Idempotent-Replay`).
    pub not_replayed: bool,
    /// When the last attempt was sent (less the database clock's rounding),
    /// as the database writes times: a write stored before it was saved by
    /// an attempt whose answer was lost.
    pub last_sent: String,
}

impl Record {
    pub fn new(writer: usize, write: Write) -> Self {
        Record {
            writer,
            write,
            fate: Fate::Refused("not sent".into()),
            attempts: 0,
            cut: 0,
            budget: 0,
            server_errors: 0,
            signed_in_again: 0,
            not_replayed: false,
            last_sent: String::new(),
        }
    }

    pub fn acknowledged(&self) -> bool {
        self.fate == Fate::Acknowledged
    }
}
