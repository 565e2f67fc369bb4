#pragma once
// An SQLite VFS that writes a WAL file's frames in one system call per commit instead of two
// per page (issue 13: SQLite writes each frame's 24-byte header and its page separately, so a
// registration pair cost about 32 pwrite calls, and a system call is dear on a VM).
//
// It wraps the default VFS and changes one thing: writes to a file opened as a WAL
// (SQLITE_OPEN_WAL) that continue the previous write are collected in memory and reach the
// file in one write when SQLite asks for anything that depends on them:
//   - xSync (a commit with synchronous=FULL or NORMAL at a checkpoint): written, then synced,
//     so a commit is exactly as durable as without the buffer;
//   - xShmBarrier on any file of this VFS: SQLite calls it while publishing a new WAL index
//     header, after the frames are written and before any other connection can see them, so
//     a reader in another process never reads a frame that is still in memory (this holds
//     even with synchronous=OFF, where no xSync comes first);
//   - xRead, xTruncate, xFileSize, xFileControl, xClose of that file, a write that does not
//     continue the buffer, or the buffer reaching its limit (1 MiB).
// A write error is returned by the call that flushed the buffer; a failure in xShmBarrier,
// which cannot report one, fails every later call on that file with SQLITE_IOERR_WRITE, so
// SQLite never builds on frames that were not written.
//
// Registration is process-wide (SQLite's VFS list); installWalWriteBuffer() is idempotent and
// thread-safe. A database uses it when opened with the URI parameter vfs=openopd-walbuf
// (Database::open does for SQLite).

#include <QString>
#include <cstdint>

namespace openopd::host {

inline constexpr char kWalBufferVfsName[] = "openopd-walbuf";

// Registers the VFS (once per process). False with a reason if SQLite has no default VFS.
bool installWalWriteBuffer(QString* error);

// What the buffer did, over every file of the VFS since the process started (for tests and
// benchmarks): the writes SQLite asked for and the writes made to the WAL files.
struct WalBufferCounts
{
    std::uint64_t walWritesRequested = 0;
    std::uint64_t walWritesIssued = 0;
};
WalBufferCounts walBufferCounts();

} // namespace openopd::host
