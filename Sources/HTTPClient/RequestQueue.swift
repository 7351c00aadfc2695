/// A FIFO of pending requests with O(1) amortised append and pop, and removal by identity for
/// cancellation (a linear scan, paid only when a queued request is cancelled).
struct RequestQueue {
    /// Removed entries become `nil` so removal never shifts the array; `head` skips consumed slots.
    private var slots: [PendingRequest?] = []
    private var head = 0
    private(set) var count = 0

    mutating func append(_ request: PendingRequest) {
        slots.append(request)
        count += 1
    }

    mutating func popFirst() -> PendingRequest? {
        while head < slots.count {
            let candidate = slots[head]
            slots[head] = nil
            head += 1
            if let candidate {
                count -= 1
                compactIfNeeded()
                return candidate
            }
        }
        compactIfNeeded()
        return nil
    }

    /// Removes `request` if present; returns whether it was.
    mutating func remove(_ request: PendingRequest) -> Bool {
        guard let index = slots[head...].firstIndex(where: { $0 === request }) else { return false }
        slots[index] = nil
        count -= 1
        compactIfNeeded()
        return true
    }

    /// Empties the queue, returning what it held in order.
    mutating func removeAll() -> [PendingRequest] {
        let remaining = slots[head...].compactMap { $0 }
        slots = []
        head = 0
        count = 0
        return remaining
    }

    /// Drops consumed slots once they make up more than half of the storage.
    private mutating func compactIfNeeded() {
        if count == 0 {
            slots.removeAll(keepingCapacity: true)
            head = 0
        } else if head > 32 && head * 2 > slots.count {
            slots.removeFirst(head)
            head = 0
        }
    }
}
