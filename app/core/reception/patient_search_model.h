#pragma once

// Search as you type (opd.registration.patient.search): setQuery() restarts a short
// debounce; when it fires, the query is sent through a bus::LatestRequest, so a newer query
// cancels the older one still in flight and only the newest answer is shown. An empty query
// clears the results at once. Columns: name, age, sex, MRN, phone. state() and
// statusText() say what the view should show besides the rows (searching, no match, error).
//
// Threading: lives on the connection's thread (the GUI thread); never blocks it.

#include "bus/connection.h"
#include "bus/request_handle.h"
#include "protocol/patient.h"

#include <QAbstractTableModel>
#include <QDate>
#include <QTimer>

namespace openopd::app {

class PatientSearchModel final : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { NameColumn, AgeColumn, SexColumn, MrnColumn, PhoneColumn, ColumnCount };
    enum class State {
        Idle,      // no query
        Waiting,   // typed; the debounce has not fired yet
        Searching, // sent; the previous rows stay until the answer
        Results,   // rows for query()
        NoMatch,   // the service found nobody for query()
        Failed,    // see statusText()
    };
    Q_ENUM(State)

    static constexpr int kDefaultDebounceMs = 50;
    static constexpr int kLimit = 20;

    explicit PatientSearchModel(bus::Connection& connection, QObject* parent = nullptr);

    // The text in the search field. Debounced; empty clears.
    void setQuery(const QString& text);
    // Sends the pending query now (Enter in the field).
    void searchNow();
    // Asks the current query again (after an error, or after a patient was saved).
    void refresh();
    void setDebounceInterval(int milliseconds) { m_debounce.setInterval(milliseconds); }

    QString query() const { return m_query; }
    State state() const { return m_state; }
    // Translated text for the state ("Searching…", "No patients match …", the error);
    // empty for Idle and for Results that are complete.
    QString statusText() const;
    bool truncated() const { return m_truncated; }
    // The query the rows answer (may lag query() while Waiting or Searching).
    QString shownQuery() const { return m_shownQuery; }
    const protocol::Patient& patient(int row) const { return m_patients.at(row); }
    const QList<protocol::Patient>& patients() const { return m_patients; }

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

Q_SIGNALS:
    void stateChanged(openopd::app::PatientSearchModel::State state);

private:
    void send();
    void setState(State state);
    void setRows(QList<protocol::Patient> patients, bool truncated, const QString& shownQuery);

    bus::LatestRequest m_latest;
    QTimer m_debounce;
    QString m_query;
    QString m_shownQuery;
    QList<protocol::Patient> m_patients;
    bool m_truncated = false;
    State m_state = State::Idle;
    QString m_error;
    QDate m_today;
};

} // namespace openopd::app
