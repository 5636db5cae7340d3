//! Stable sorting with one compiled copy of the sort algorithm.
//!
//! `slice::sort_by` is generic over the element and the comparator, so every
//! call site compiles its own copy of the standard sort (about 3.5 KB of wasm
//! each; the app had 48). These functions sort a list of indices through a
//! `dyn` comparator instead, one copy for the whole program, then move the
//! items into place. Same results as `sort_by` (stable), at the cost of an
//! index vector; the app's lists are small.
//!
//! Collecting into a `BTreeMap` or `BTreeSet` sorts the items first with its
//! own copy of the standard sort (one per item and iterator type, 3–4 KB
//! each). [`map_of`] and [`set_of`] build them by inserting instead, the
//! code every map already has.

use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet};

/// Like `items.sort_by(compare)` (stable).
pub fn sort_by<T>(items: &mut [T], mut compare: impl FnMut(&T, &T) -> Ordering) {
    let order = {
        let items = &*items;
        sorted_indices(items.len(), &mut |a, b| compare(&items[a], &items[b]))
    };
    permute(items, &order);
}

/// Like `items.sort_by_key(key)` (stable).
pub fn sort_by_key<T, K: Ord>(items: &mut [T], mut key: impl FnMut(&T) -> K) {
    sort_by(items, |a, b| key(a).cmp(&key(b)));
}

/// Like `items.sort_by_cached_key(key)`: each key computed once (stable).
pub fn sort_by_cached_key<T, K: Ord>(items: &mut [T], key: impl FnMut(&T) -> K) {
    let keys: Vec<K> = items.iter().map(key).collect();
    let order = sorted_indices(keys.len(), &mut |a, b| keys[a].cmp(&keys[b]));
    permute(items, &order);
}

/// Like `items.sort()` (stable).
pub fn sort<T: Ord>(items: &mut [T]) {
    sort_by(items, T::cmp);
}

/// Like `pairs.into_iter().collect::<BTreeMap<_, _>>()`: a key given twice
/// keeps its last value.
pub fn map_of<K: Ord, V>(pairs: impl IntoIterator<Item = (K, V)>) -> BTreeMap<K, V> {
    let mut map = BTreeMap::new();
    for (key, value) in pairs {
        map.insert(key, value);
    }
    map
}

/// Like `items.into_iter().collect::<BTreeSet<_>>()`.
pub fn set_of<T: Ord>(items: impl IntoIterator<Item = T>) -> BTreeSet<T> {
    let mut set = BTreeSet::new();
    for item in items {
        set.insert(item);
    }
    set
}

/// `0..len` sorted by `compare` on indices: the only instance of the
/// standard sort these functions use.
fn sorted_indices(len: usize, compare: &mut dyn FnMut(usize, usize) -> Ordering) -> Vec<usize> {
    let mut order: Vec<usize> = (0..len).collect();
    order.sort_by(|&a, &b| compare(a, b));
    order
}

/// Moves `items[order[k]]` to position `k`, by swaps along the cycles.
fn permute<T>(items: &mut [T], order: &[usize]) {
    // Where each item goes.
    let mut target = vec![0; order.len()];
    for (k, &i) in order.iter().enumerate() {
        target[i] = k;
    }
    for i in 0..items.len() {
        while target[i] != i {
            let j = target[i];
            items.swap(i, j);
            target.swap(i, j);
        }
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    proptest! {
        /// The same order as the standard library's stable sort, ties kept
        /// in their original order (the second element tells them apart).
        #[test]
        fn agrees_with_the_standard_stable_sort(keys in prop::collection::vec(0u8..6, 0..60)) {
            let items: Vec<(u8, usize)> = keys.into_iter().enumerate().map(|(i, k)| (k, i)).collect();
            let mut want = items.clone();
            want.sort_by_key(|x| x.0);

            let mut by = items.clone();
            sort_by(&mut by, |a, b| a.0.cmp(&b.0));
            prop_assert_eq!(&by, &want);

            let mut by_key = items.clone();
            sort_by_key(&mut by_key, |x| x.0);
            prop_assert_eq!(&by_key, &want);

            let mut cached = items.clone();
            sort_by_cached_key(&mut cached, |x| x.0);
            prop_assert_eq!(&cached, &want);

            let mut reversed = items.clone();
            let mut want_reversed = items.clone();
            want_reversed.sort_by_key(|x| std::cmp::Reverse(x.0));
            sort_by_key(&mut reversed, |x| std::cmp::Reverse(x.0));
            prop_assert_eq!(&reversed, &want_reversed);

            let mut plain = items.clone();
            let mut want_plain = items;
            want_plain.sort();
            sort(&mut plain);
            prop_assert_eq!(plain, want_plain);
        }
    }

    proptest! {
        /// The same map and set as `collect()`, the last value of a repeated
        /// key kept.
        #[test]
        fn maps_and_sets_agree_with_collect(pairs in prop::collection::vec((0u8..8, any::<u16>()), 0..40)) {
            let want: BTreeMap<u8, u16> = pairs.iter().copied().collect();
            prop_assert_eq!(map_of(pairs.iter().copied()), want);
            let want: BTreeSet<u8> = pairs.iter().map(|p| p.0).collect();
            prop_assert_eq!(set_of(pairs.iter().map(|p| p.0)), want);
        }
    }

    #[test]
    fn sorts_items_that_are_not_copy() {
        let mut names = vec![
            "丙".to_owned(),
            "甲".to_owned(),
            "乙".to_owned(),
            "甲".to_owned(),
        ];
        // Descending by code point: 甲 U+7532, 乙 U+4E59, 丙 U+4E19.
        sort_by(&mut names, |a, b| b.cmp(a));
        assert_eq!(names, ["甲", "甲", "乙", "丙"].map(str::to_owned));
    }
}
