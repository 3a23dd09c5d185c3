//! The scratch pool: per-thread free lists of `f32` buffers by power-of-two size class, so a traversal
//! takes and gives its per-node vectors in O(1) and allocates nothing once warm.

/// Scratch buffers come in power-of-two capacities, one free list per size class.
const SIZE_CLASSES: usize = 40;

thread_local! {
    /// Per-thread pool of scratch buffers, so the recursive iteration does not allocate once warm. Free
    /// lists by size class make `take` and `give` O(1), and a buffer never grows past twice what was
    /// asked of it (handing out any pooled buffer would let every one grow to a chance node's size).
    static POOL: std::cell::RefCell<[Vec<Vec<f32>>; SIZE_CLASSES]> =
        std::cell::RefCell::new(std::array::from_fn(|_| Vec::new()));
}

/// The size class of a buffer of `len` values: the smallest `c` with `len <= 2^c`.
fn size_class(len: usize) -> usize {
    (len.max(1).next_power_of_two().trailing_zeros() as usize).min(SIZE_CLASSES - 1)
}

/// A zeroed scratch buffer of `len` values from this thread's pool.
pub(crate) fn take(len: usize) -> Vec<f32> {
    let mut buffer = take_for_overwrite(len);
    buffer.fill(0.0);
    buffer
}

/// A scratch buffer of `len` values from this thread's pool holding whatever it held before (only
/// values past its previous length are zeroed): for callers that write every element before reading
/// any. Zeroing was a measurable share of a pass (a chance node's results are children × hands).
pub(crate) fn take_for_overwrite(len: usize) -> Vec<f32> {
    let class = size_class(len);
    let mut buffer = POOL
        .with(|p| p.borrow_mut()[class].pop())
        .unwrap_or_else(|| Vec::with_capacity(1 << class));
    if buffer.len() >= len {
        buffer.truncate(len);
    } else {
        buffer.resize(len, 0.0);
    }
    buffer
}

/// Returns a scratch buffer to this thread's pool.
pub(crate) fn give(buffer: Vec<f32>) {
    // Filed under the largest class it can serve whole.
    let capacity = buffer.capacity();
    if capacity == 0 {
        return;
    }
    let class = (usize::BITS - 1 - capacity.leading_zeros()) as usize;
    POOL.with(|p| p.borrow_mut()[class.min(SIZE_CLASSES - 1)].push(buffer));
}
