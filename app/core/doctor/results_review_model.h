#pragma once

// The doctor's "results to review" (issue 11): the lab results of this doctor's
// consultations not yet marked reviewed, kept live from the bus. A bus::LiveList fetches
// opd.consultation.results.to_review and applies opd.events.list.results_changed (one visit's
// unreviewed results at a time, of any doctor: rows ordered by someone else are not shown).
// Oldest result first. Marking one reviewed is a Command (markReviewedCommand) whose unknown
// outcome is read from results.to_review with include_reviewed.
// Threading: lives on the connection's thread (the GUI thread).

#include "bus/connection.h"
#include "bus/live_list.h"
#include "core/command.h"
#include "protocol/lab.h"

#include <QAbstractTableModel>
#include <QPointer>

namespace openopd::app {

class ResultsReviewModel final : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { PatientColumn, TestColumn, ValueColumn, FlagColumn, ResultedColumn, ColumnCount };
    enum Role {
        OrderIdRole = Qt::UserRole + 1, // QString
        VisitIdRole,                    // QString
        FlagRole,                       // int: protocol::LabFlag
    };

    // Live for doctor (the signed-in staff member): starts fetching at once.
    ResultsReviewModel(bus::Connection& connection, protocol::StaffRef doctor,
                       QObject* parent = nullptr);
    // Detached: rows only through resetResults / setVisitResults (tests).
    explicit ResultsReviewModel(protocol::StaffRef doctor, QObject* parent = nullptr);
    ~ResultsReviewModel() override;
    Q_DISABLE_COPY_MOVE(ResultsReviewModel)

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

    const protocol::ResultToReview& resultAt(int row) const { return m_rows.at(row); }
    int rowOf(const QString& orderId) const;
    bool isCurrent() const;
    bus::BusError lastError() const { return m_error; }
    void refresh();
    const protocol::StaffRef& doctor() const { return m_doctor; }

    // Replaces every row (reviewed rows and other doctors' rows are left out).
    void resetResults(const QList<protocol::ResultToReview>& results);
    void upsertResult(const protocol::ResultToReview& result);
    void removeResult(const QString& orderId);

    // Marks the result of orderId reviewed as doctor (not started).
    static Command* markReviewedCommand(bus::Connection& connection,
                                        const protocol::StaffRef& doctor, const QString& orderId,
                                        QObject* parent);

Q_SIGNALS:
    void currentChanged(bool current);
    void errorOccurred(const openopd::bus::BusError& error);
    void resultsChanged();

private:
    bool shows(const protocol::ResultToReview& result) const;

    protocol::StaffRef m_doctor;
    QList<protocol::ResultToReview> m_rows;
    QPointer<bus::LiveList<protocol::ResultToReview>> m_live;
    bus::BusError m_error;
};

} // namespace openopd::app
