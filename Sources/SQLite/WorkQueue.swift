/// A FIFO ring buffer of work items. Not synchronized: ``WorkerPool`` guards it with its mutex.
/// A ring buffer rather than `Array.removeFirst` keeps enqueue and dequeue O(1) without
/// reallocating once the buffer has reached the pool's working size.
struct WorkQueue {
    /// Slots; the capacity is always a power of two so wrapping is a mask.
    private var slots: [WorkItem?] = Array(repeating: nil, count: 64)
    private var head = 0
    /// The number of queued items.
    private(set) var count = 0

    /// Whether no item is queued.
    var isEmpty: Bool { count == 0 }

    /// Adds `item` at the back.
    mutating func append(_ item: WorkItem) {
        if count == slots.count {
            grow()
        }
        slots[(head + count) & (slots.count - 1)] = item
        count += 1
    }

    /// The front item, left in place.
    func peekFirst() -> WorkItem? {
        count > 0 ? slots[head] : nil
    }

    /// Removes and returns the front item.
    mutating func popFirst() -> WorkItem? {
        guard count > 0 else { return nil }
        let item = slots[head]
        slots[head] = nil
        head = (head + 1) & (slots.count - 1)
        count -= 1
        return item
    }

    private mutating func grow() {
        var larger: [WorkItem?] = Array(repeating: nil, count: slots.count * 2)
        for offset in 0..<count {
            larger[offset] = slots[(head + offset) & (slots.count - 1)]
        }
        slots = larger
        head = 0
    }
}
