#include "host/wal_write_buffer.h"

#include <algorithm>
#include <atomic>
#include <cstring>
#include <mutex>
#include <new>
#include <sqlite3.h>
#include <vector>

namespace openopd::host {
namespace {

constexpr std::size_t kFlushAt = 1 << 20; // a larger transaction's frames go out at 1 MiB
// SQLite's unix VFS writes at most 128 KiB - 1 per call (os_unix.c masks the length with
// 0x1ffff and answers SQLITE_FULL for the rest), so a flush goes out in pieces of 120 KiB.
constexpr std::size_t kMaxWrite = 120 * 1024;

// The buffer of one open WAL file. Its own mutex: xShmBarrier of one connection flushes the
// WAL files of every connection, possibly while another thread works on its own.
struct WalBuffer
{
    std::mutex mutex;
    std::vector<char> bytes;
    sqlite3_int64 offset = 0; // where bytes[0] goes in the file
    int failure = SQLITE_OK;  // a flush in xShmBarrier failed: every later call fails
    sqlite3_file* real = nullptr;
    WalBuffer* next = nullptr; // in VfsState::open
};

// What SQLite allocates for each file (szOsFile): this header, then the wrapped VFS's file.
struct ShimFile
{
    sqlite3_file base;
    sqlite3_file* real;
    WalBuffer* wal; // null unless opened as a WAL
};
constexpr int kHeaderSize = static_cast<int>((sizeof(ShimFile) + 7) & ~std::size_t(7));

// SQLite keeps a pointer to the registered sqlite3_vfs for the life of the process, so the
// VFS and what it needs live as long: one per process, reached only through this file.
struct VfsState
{
    sqlite3_vfs vfs{};
    sqlite3_vfs* real = nullptr;
    std::mutex openMutex;
    WalBuffer* open = nullptr; // every open WAL buffer
    std::atomic<std::uint64_t> requested{0};
    std::atomic<std::uint64_t> issued{0};
};

VfsState& state()
{
    static VfsState s;
    return s;
}

sqlite3_file* realOf(sqlite3_file* file)
{
    return reinterpret_cast<ShimFile*>(file)->real;
}

WalBuffer* walOf(sqlite3_file* file)
{
    return reinterpret_cast<ShimFile*>(file)->wal;
}

// Writes what is buffered; the caller holds wal->mutex.
int flushLocked(WalBuffer* wal)
{
    if (wal->bytes.empty())
        return SQLITE_OK;
    int rc = SQLITE_OK;
    for (std::size_t done = 0; done < wal->bytes.size() && rc == SQLITE_OK; done += kMaxWrite) {
        const std::size_t piece = std::min(kMaxWrite, wal->bytes.size() - done);
        rc = wal->real->pMethods->xWrite(wal->real, wal->bytes.data() + done,
                                         static_cast<int>(piece),
                                         wal->offset + static_cast<sqlite3_int64>(done));
        state().issued.fetch_add(1, std::memory_order_relaxed);
    }
    wal->bytes.clear();
    return rc;
}

// Every call on a WAL file but xWrite: write the buffer first, so the call sees the file as
// SQLite wrote it. Returns the failure to report, or SQLITE_OK to go on.
int flushBefore(WalBuffer* wal)
{
    std::lock_guard lock(wal->mutex);
    if (wal->failure != SQLITE_OK)
        return wal->failure;
    return flushLocked(wal);
}

// flushBefore() for a WAL file; nothing for any other file.
int flushIfWal(sqlite3_file* file)
{
    WalBuffer* wal = walOf(file);
    return wal ? flushBefore(wal) : SQLITE_OK;
}

int shimClose(sqlite3_file* file)
{
    WalBuffer* wal = walOf(file);
    int rc = SQLITE_OK;
    if (wal) {
        rc = flushBefore(wal);
        VfsState& s = state();
        std::lock_guard lock(s.openMutex);
        for (WalBuffer** link = &s.open; *link; link = &(*link)->next)
            if (*link == wal) {
                *link = wal->next;
                break;
            }
    }
    sqlite3_file* real = realOf(file);
    const int closed = real->pMethods->xClose(real);
    delete wal;
    return rc != SQLITE_OK ? rc : closed;
}

int shimRead(sqlite3_file* file, void* out, int amount, sqlite3_int64 offset)
{
    if (const int rc = flushIfWal(file); rc != SQLITE_OK)
        return rc;
    sqlite3_file* real = realOf(file);
    return real->pMethods->xRead(real, out, amount, offset);
}

int shimWrite(sqlite3_file* file, const void* data, int amount, sqlite3_int64 offset)
{
    sqlite3_file* real = realOf(file);
    WalBuffer* wal = walOf(file);
    if (!wal)
        return real->pMethods->xWrite(real, data, amount, offset);
    state().requested.fetch_add(1, std::memory_order_relaxed);
    std::lock_guard lock(wal->mutex);
    if (wal->failure != SQLITE_OK)
        return wal->failure;
    const auto size = static_cast<sqlite3_int64>(wal->bytes.size());
    if (size > 0 && offset != wal->offset + size) {
        // Not a continuation (a frame written again, the header of a restarted log): what is
        // buffered goes first, so that the file sees the writes in SQLite's order.
        if (const int rc = flushLocked(wal); rc != SQLITE_OK)
            return rc;
    }
    if (wal->bytes.empty())
        wal->offset = offset;
    const auto* bytes = static_cast<const char*>(data);
    try {
        wal->bytes.insert(wal->bytes.end(), bytes, bytes + amount);
    } catch (const std::bad_alloc&) {
        if (const int rc = flushLocked(wal); rc != SQLITE_OK)
            return rc;
        return real->pMethods->xWrite(real, data, amount, offset);
    }
    return wal->bytes.size() >= kFlushAt ? flushLocked(wal) : SQLITE_OK;
}

int shimTruncate(sqlite3_file* file, sqlite3_int64 size)
{
    if (const int rc = flushIfWal(file); rc != SQLITE_OK)
        return rc;
    sqlite3_file* real = realOf(file);
    return real->pMethods->xTruncate(real, size);
}

int shimSync(sqlite3_file* file, int flags)
{
    if (const int rc = flushIfWal(file); rc != SQLITE_OK)
        return rc;
    sqlite3_file* real = realOf(file);
    return real->pMethods->xSync(real, flags);
}

int shimFileSize(sqlite3_file* file, sqlite3_int64* size)
{
    if (const int rc = flushIfWal(file); rc != SQLITE_OK)
        return rc;
    sqlite3_file* real = realOf(file);
    return real->pMethods->xFileSize(real, size);
}

int shimLock(sqlite3_file* file, int level)
{
    sqlite3_file* real = realOf(file);
    return real->pMethods->xLock(real, level);
}

int shimUnlock(sqlite3_file* file, int level)
{
    sqlite3_file* real = realOf(file);
    return real->pMethods->xUnlock(real, level);
}

int shimCheckReservedLock(sqlite3_file* file, int* out)
{
    sqlite3_file* real = realOf(file);
    return real->pMethods->xCheckReservedLock(real, out);
}

int shimFileControl(sqlite3_file* file, int op, void* arg)
{
    if (const int rc = flushIfWal(file); rc != SQLITE_OK)
        return rc;
    sqlite3_file* real = realOf(file);
    return real->pMethods->xFileControl(real, op, arg);
}

int shimSectorSize(sqlite3_file* file)
{
    sqlite3_file* real = realOf(file);
    return real->pMethods->xSectorSize(real);
}

int shimDeviceCharacteristics(sqlite3_file* file)
{
    sqlite3_file* real = realOf(file);
    return real->pMethods->xDeviceCharacteristics(real);
}

int shimShmMap(sqlite3_file* file, int region, int size, int extend, void volatile** out)
{
    sqlite3_file* real = realOf(file);
    return real->pMethods->xShmMap(real, region, size, extend, out);
}

int shimShmLock(sqlite3_file* file, int offset, int n, int flags)
{
    sqlite3_file* real = realOf(file);
    return real->pMethods->xShmLock(real, offset, n, flags);
}

// SQLite publishes a new WAL index header in two copies with this barrier between them; a
// reader takes the header only when both agree. Writing every buffered frame here means no
// connection can see a frame before it is in the file.
void shimShmBarrier(sqlite3_file* file)
{
    VfsState& s = state();
    {
        std::lock_guard openLock(s.openMutex);
        for (WalBuffer* wal = s.open; wal; wal = wal->next) {
            std::lock_guard lock(wal->mutex);
            if (wal->failure == SQLITE_OK && flushLocked(wal) != SQLITE_OK)
                wal->failure = SQLITE_IOERR_WRITE;
        }
    }
    sqlite3_file* real = realOf(file);
    real->pMethods->xShmBarrier(real);
}

int shimShmUnmap(sqlite3_file* file, int deleteFlag)
{
    sqlite3_file* real = realOf(file);
    return real->pMethods->xShmUnmap(real, deleteFlag);
}

int shimFetch(sqlite3_file* file, sqlite3_int64 offset, int amount, void** out)
{
    sqlite3_file* real = realOf(file);
    if (real->pMethods->iVersion < 3) {
        *out = nullptr; // no memory map: SQLite reads instead
        return SQLITE_OK;
    }
    if (const int rc = flushIfWal(file); rc != SQLITE_OK)
        return rc;
    return real->pMethods->xFetch(real, offset, amount, out);
}

int shimUnfetch(sqlite3_file* file, sqlite3_int64 offset, void* page)
{
    sqlite3_file* real = realOf(file);
    if (real->pMethods->iVersion < 3)
        return SQLITE_OK;
    return real->pMethods->xUnfetch(real, offset, page);
}

const sqlite3_io_methods kShimMethods = {
    3,
    shimClose,
    shimRead,
    shimWrite,
    shimTruncate,
    shimSync,
    shimFileSize,
    shimLock,
    shimUnlock,
    shimCheckReservedLock,
    shimFileControl,
    shimSectorSize,
    shimDeviceCharacteristics,
    shimShmMap,
    shimShmLock,
    shimShmBarrier,
    shimShmUnmap,
    shimFetch,
    shimUnfetch,
};

int shimOpen(sqlite3_vfs*, sqlite3_filename name, sqlite3_file* file, int flags, int* outFlags)
{
    VfsState& s = state();
    auto* shim = reinterpret_cast<ShimFile*>(file);
    shim->base.pMethods = nullptr;
    shim->real = reinterpret_cast<sqlite3_file*>(reinterpret_cast<char*>(file) + kHeaderSize);
    shim->real->pMethods = nullptr;
    shim->wal = nullptr;
    const int rc = s.real->xOpen(s.real, name, shim->real, flags, outFlags);
    if (shim->real->pMethods == nullptr)
        return rc; // nothing to close: SQLite must not call ours either
    shim->base.pMethods = &kShimMethods;
    if (rc == SQLITE_OK && (flags & SQLITE_OPEN_WAL)) {
        auto* wal = new (std::nothrow) WalBuffer;
        if (wal) { // without memory the file is simply not buffered
            wal->real = shim->real;
            std::lock_guard lock(s.openMutex);
            wal->next = s.open;
            s.open = wal;
            shim->wal = wal;
        }
    }
    return rc;
}

// The rest of the VFS is the wrapped one's, called with the wrapped VFS as SQLite would.
int shimDelete(sqlite3_vfs*, const char* name, int syncDir)
{
    return state().real->xDelete(state().real, name, syncDir);
}
int shimAccess(sqlite3_vfs*, const char* name, int flags, int* out)
{
    return state().real->xAccess(state().real, name, flags, out);
}
int shimFullPathname(sqlite3_vfs*, const char* name, int size, char* out)
{
    return state().real->xFullPathname(state().real, name, size, out);
}
void* shimDlOpen(sqlite3_vfs*, const char* name)
{
    return state().real->xDlOpen(state().real, name);
}
void shimDlError(sqlite3_vfs*, int size, char* out)
{
    state().real->xDlError(state().real, size, out);
}
void (*shimDlSym(sqlite3_vfs*, void* handle, const char* symbol))(void)
{
    return state().real->xDlSym(state().real, handle, symbol);
}
void shimDlClose(sqlite3_vfs*, void* handle)
{
    state().real->xDlClose(state().real, handle);
}
int shimRandomness(sqlite3_vfs*, int size, char* out)
{
    return state().real->xRandomness(state().real, size, out);
}
int shimSleep(sqlite3_vfs*, int microseconds)
{
    return state().real->xSleep(state().real, microseconds);
}
int shimCurrentTime(sqlite3_vfs*, double* out)
{
    return state().real->xCurrentTime(state().real, out);
}
int shimGetLastError(sqlite3_vfs*, int size, char* out)
{
    return state().real->xGetLastError ? state().real->xGetLastError(state().real, size, out) : 0;
}
int shimCurrentTimeInt64(sqlite3_vfs*, sqlite3_int64* out)
{
    return state().real->xCurrentTimeInt64(state().real, out);
}

bool registerVfs(QString* error)
{
    VfsState& s = state();
    s.real = sqlite3_vfs_find(nullptr);
    if (!s.real || s.real->iVersion < 2) {
        *error = QStringLiteral("SQLite has no default VFS of version 2 or later to wrap");
        return false;
    }
    sqlite3_vfs& vfs = s.vfs;
    vfs.iVersion = 2;
    vfs.szOsFile = kHeaderSize + s.real->szOsFile;
    vfs.mxPathname = s.real->mxPathname;
    vfs.zName = kWalBufferVfsName;
    vfs.xOpen = shimOpen;
    vfs.xDelete = shimDelete;
    vfs.xAccess = shimAccess;
    vfs.xFullPathname = shimFullPathname;
    vfs.xDlOpen = shimDlOpen;
    vfs.xDlError = shimDlError;
    vfs.xDlSym = shimDlSym;
    vfs.xDlClose = shimDlClose;
    vfs.xRandomness = shimRandomness;
    vfs.xSleep = shimSleep;
    vfs.xCurrentTime = shimCurrentTime;
    vfs.xGetLastError = shimGetLastError;
    vfs.xCurrentTimeInt64 = shimCurrentTimeInt64;
    if (const int rc = sqlite3_vfs_register(&vfs, /*makeDflt=*/0); rc != SQLITE_OK) {
        *error = QStringLiteral("cannot register the SQLite VFS %1: %2")
                     .arg(QLatin1String(kWalBufferVfsName), QLatin1String(sqlite3_errstr(rc)));
        return false;
    }
    return true;
}

} // namespace

bool installWalWriteBuffer(QString* error)
{
    static std::once_flag once;
    static bool installed = false;
    static QString failure;
    std::call_once(once, [] { installed = registerVfs(&failure); });
    if (!installed && error)
        *error = failure;
    return installed;
}

WalBufferCounts walBufferCounts()
{
    return {state().requested.load(std::memory_order_relaxed),
            state().issued.load(std::memory_order_relaxed)};
}

} // namespace openopd::host
