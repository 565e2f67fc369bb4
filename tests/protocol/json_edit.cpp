#include "json_edit.h"

#include <QJsonArray>
#include <QRegularExpression>
#include <variant>

namespace openopd::testing {
namespace {

using Step = std::variant<QString, qsizetype>;

QList<Step> parsePath(const QString& path)
{
    static const QRegularExpression index(QStringLiteral("\\[([0-9]+)\\]"));
    QList<Step> steps;
    for (const QString& part : path.split(u'.')) {
        const qsizetype bracket = part.indexOf(u'[');
        steps.append(part.left(bracket < 0 ? part.size() : bracket));
        auto it = index.globalMatch(part);
        while (it.hasNext())
            steps.append(it.next().captured(1).toLongLong());
    }
    return steps;
}

QJsonValue apply(const QJsonValue& node, const QList<Step>& steps, qsizetype at,
                 const std::optional<QJsonValue>& value)
{
    const bool last = at + 1 == steps.size();
    if (const auto* key = std::get_if<QString>(&steps.at(at))) {
        QJsonObject object = node.toObject();
        if (last && !value)
            object.remove(*key);
        else
            object.insert(*key, last ? *value : apply(object.value(*key), steps, at + 1, value));
        return object;
    }
    const qsizetype index = std::get<qsizetype>(steps.at(at));
    QJsonArray array = node.toArray();
    while (array.size() <= index)
        array.append(QJsonObject{});
    if (last && !value)
        array.removeAt(index);
    else
        array.replace(index, last ? *value : apply(array.at(index), steps, at + 1, value));
    return array;
}

} // namespace

QJsonObject edited(const QJsonObject& root, const QString& path, std::optional<QJsonValue> value)
{
    return apply(root, parsePath(path), 0, value).toObject();
}

} // namespace openopd::testing
