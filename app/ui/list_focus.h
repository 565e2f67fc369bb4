#pragma once

// Ctrl+W in every workspace: the keyboard goes to its live list with a row selected (the
// first when none is), so the list's actions (Enter, Cancel, Dispense…) work without a
// further arrow key.

#include <QAbstractItemModel>
#include <QItemSelectionModel>
#include <QTableView>

namespace openopd::app {

inline void focusList(QTableView* table, Qt::FocusReason reason = Qt::OtherFocusReason)
{
    table->setFocus(reason);
    if (!table->selectionModel()->hasSelection() && table->model()->rowCount() > 0)
        table->selectRow(0);
}

} // namespace openopd::app
