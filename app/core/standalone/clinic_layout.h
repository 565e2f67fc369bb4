#pragma once

// Where the standalone clinic keeps its data and finds its programs (the same places as
// scripts/run-clinic.sh): data under ${XDG_DATA_HOME:-$HOME/.local/share}/OpenOPD unless
// --data-dir says otherwise; executables next to the app (installed: all in bin/), in the
// build tree (build/<preset>/app/openopd beside build/<preset>/backend-services/<name>/),
// then on PATH.

#include <QString>
#include <QStringList>

namespace openopd::app::clinic {

QString defaultDataDir();

// The backend services started after identity and the auth agent, in start order.
QStringList servicePrograms();

// The path of the OpenOPD program `name` (e.g. "openopd-identity"), or empty; *searched
// lists the places looked in, for the message that names what is missing.
QString findOpenOpdProgram(const QString& name, const QString& appDir, QStringList* searched);
// nats-server from PATH, /usr/sbin, /usr/local/bin or /usr/local/sbin, or empty.
QString findNatsServer(QStringList* searched);

// The demo marker: a data directory with demo staff ("demo-password") is marked, and a start
// without demo data refuses it, so a real clinic never inherits demo accounts by mistake.
QString demoMarkerPath(const QString& dataDir);
// The first line of the marker (when and by what the demo data was loaded), or empty.
QString demoMarkerText(const QString& dataDir);
bool writeDemoMarker(const QString& dataDir, const QString& byWhat);

// First run: no identity database yet, or a first-admin creation that did not finish.
bool needsFirstAdmin(const QString& dataDir);
QString firstAdminPendingPath(const QString& dataDir);

} // namespace openopd::app::clinic
