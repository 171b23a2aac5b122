import GRDB
import GRDBSQLite

/// A value bound to a statement's parameter.
enum SQLiteValue {
    case text(String?)
    case real(Double?)
    case integer(Int?)
}

/// One of the inbound writer's statements, bound and stepped through SQLite's C API. GRDB's arguments
/// (an existential per value, then a `DatabaseValue` each) took about a sixth of the writer thread's
/// time in a profile of signed ingestion. The statement is GRDB's cached one, reset before and after each use;
/// an error is GRDB's `DatabaseError`, so a unique violation reads as everywhere else in the store.
struct BoundStatement {
    private let statement: Statement
    private let connection: OpaquePointer

    init(_ db: Database, _ sql: String) throws {
        guard let connection = db.sqliteConnection else { throw DatabaseError(resultCode: .SQLITE_MISUSE, message: "the connection is closed", sql: sql) }
        statement = try db.cachedStatement(sql: sql)
        self.connection = connection
    }

    /// Runs the statement to completion.
    func run(_ values: [SQLiteValue]) throws {
        try bind(values)
        defer { sqlite3_reset(statement.sqliteStatement) }
        let code = sqlite3_step(statement.sqliteStatement)
        guard code == SQLITE_DONE else { throw error(code) }
    }

    /// The first row's first column as text, nil without a row.
    func text(_ values: [SQLiteValue]) throws -> String? {
        try bind(values)
        defer { sqlite3_reset(statement.sqliteStatement) }
        switch sqlite3_step(statement.sqliteStatement) {
        case SQLITE_ROW: return sqlite3_column_text(statement.sqliteStatement, 0).map { String(cString: $0) }
        case SQLITE_DONE: return nil
        case let code: throw error(code)
        }
    }

    private func bind(_ values: [SQLiteValue]) throws {
        let handle = statement.sqliteStatement
        sqlite3_reset(handle)
        for (offset, value) in values.enumerated() {
            let index = Int32(offset + 1)
            let code: Int32
            switch value {
            case .text(var text?): code = text.withUTF8 { sqlite3_bind_text(handle, index, $0.baseAddress, Int32($0.count), Self.transient) }
            case .real(let real?): code = sqlite3_bind_double(handle, index, real)
            case .integer(let integer?): code = sqlite3_bind_int64(handle, index, Int64(integer))
            case .text(nil), .real(nil), .integer(nil): code = sqlite3_bind_null(handle, index)
            }
            guard code == SQLITE_OK else { throw error(code) }
        }
    }

    private func error(_ code: Int32) -> DatabaseError {
        DatabaseError(resultCode: ResultCode(rawValue: sqlite3_extended_errcode(connection)), message: String(cString: sqlite3_errmsg(connection)),
                      sql: statement.sql)
    }

    /// SQLite copies the bytes before the bind returns.
    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
}
