/// The three-way merge of an ordered list of unique keys (a text list's items, a keyed list's keys,
/// a mapping's keys), symmetric in its two sides.
///
/// An item is kept when both sides keep it or when one side adds it; an item one side removes is
/// gone. When one side left the list as it was in the base, the other side's list is the result.
/// Otherwise survivors keep the base's order, and each side's additions follow the item they
/// followed on that side; when both sides add after the same item, the two runs are ordered by
/// their first item, so the result does not depend on which side is "ours".
package enum OrderedMerge {
    package static func merge<K: Hashable & Comparable>(base: [K], ours: [K], theirs: [K]) -> [K] {
        if ours == theirs || theirs == base { return ours }
        if ours == base { return theirs }
        let b = Set(base), o = Set(ours), t = Set(theirs)
        let survivors = base.filter { o.contains($0) && t.contains($0) }
        let survivorSet = Set(survivors)
        // Runs of additions per anchor (nil = the start of the list), per side.
        func runs(_ side: [K]) -> [K?: [K]] {
            var out = [K?: [K]]()
            var anchor: K? = nil
            for item in side {
                if survivorSet.contains(item) {
                    anchor = item
                } else if !b.contains(item) {
                    out[anchor, default: []].append(item)
                }
            }
            return out
        }
        let ourRuns = runs(ours), theirRuns = runs(theirs)
        var result = [K]()
        var placed = Set<K>()
        func emit(after anchor: K?) {
            var groups = [ourRuns[anchor] ?? [], theirRuns[anchor] ?? []].filter { !$0.isEmpty }
            groups.sort { $0.lexicographicallyPrecedes($1) }
            for group in groups {
                for item in group where placed.insert(item).inserted { result.append(item) }
            }
        }
        emit(after: nil)
        for item in survivors {
            result.append(item)
            placed.insert(item)
            emit(after: item)
        }
        return result
    }
}
