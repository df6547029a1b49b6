//! Engine layer: a counted set of subscription topics matched by prefix (RFC 29). A publisher
//! keeps one per subscriber and a subscriber one for itself. Invariants: memory is about the size
//! of the topics held (no per-byte nodes), and no operation recurses or walks more than the
//! message's first frame, so no topic a peer sends can exhaust the stack or amplify memory.

use std::collections::BTreeMap;
use std::ops::Bound;

/// A multiset of topics, matched by prefix.
#[derive(Debug, Default, Clone)]
pub struct Trie {
    topics: BTreeMap<Vec<u8>, u32>,
}

impl Trie {
    /// Adds one count of `topic`; true if the topic was not there before.
    pub fn add(&mut self, topic: &[u8]) -> bool {
        let count = self.topics.entry(topic.to_vec()).or_insert(0);
        *count += 1;
        *count == 1
    }

    /// Removes one count of `topic`. `None` if it was not there; else the count left (0: gone).
    pub fn remove(&mut self, topic: &[u8]) -> Option<u32> {
        let count = self.topics.get_mut(topic)?;
        *count -= 1;
        let left = *count;
        if left == 0 {
            self.topics.remove(topic);
        }
        Some(left)
    }

    /// Whether `topic` itself is held.
    pub fn contains(&self, topic: &[u8]) -> bool {
        self.topics.contains_key(topic)
    }

    /// Whether some topic is a prefix of `data` (the empty topic matches everything). Looks at the
    /// greatest topic not above the candidate bound, then narrows the bound to the common prefix;
    /// the bound shrinks every step, so this ends within `data.len() + 1` look-ups.
    pub fn matches(&self, data: &[u8]) -> bool {
        let mut upper = data;
        loop {
            let below = self
                .topics
                .range::<[u8], _>((Bound::Unbounded, Bound::Included(upper)))
                .next_back();
            let Some((topic, _)) = below else {
                return false;
            };
            if data.starts_with(topic) {
                return true;
            }
            // `topic` is not a prefix of `data`, so every longer prefix of `data` sorts after it
            // and is no topic; only prefixes within the common part remain.
            let common = topic.iter().zip(data).take_while(|(a, b)| a == b).count();
            upper = &data[..common];
        }
    }

    /// Whether no topic is held.
    pub fn is_empty(&self) -> bool {
        self.topics.is_empty()
    }

    /// Every distinct topic with its count.
    pub fn topics(&self) -> Vec<(Vec<u8>, u32)> {
        self.topics.iter().map(|(t, c)| (t.clone(), *c)).collect()
    }

    /// Empties the trie, returning what it held.
    pub fn take(&mut self) -> Vec<(Vec<u8>, u32)> {
        std::mem::take(&mut self.topics).into_iter().collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefixes_match_and_counts_hold() {
        let mut t = Trie::default();
        assert!(!t.matches(b"anything"));
        assert!(t.add(b"a"));
        assert!(!t.add(b"a"));
        assert!(t.add(b"abc"));
        assert!(t.add(&[0x61, 0x00]));
        for (data, want) in [
            (&b"apple"[..], true),
            (b"a", true),
            (b"", false),
            (b"banana", false),
            (&[0x61, 0x00, 0x62], true),
        ] {
            assert_eq!(t.matches(data), want, "{data:?}");
        }
        assert!(t.contains(b"a") && t.contains(b"abc") && !t.contains(b"ab"));
        assert_eq!(t.remove(b"a"), Some(1));
        assert!(t.matches(b"apple"));
        assert_eq!(t.remove(b"a"), Some(0));
        assert!(!t.matches(b"apple"));
        assert!(t.matches(b"abcd"));
        assert_eq!(t.remove(b"zzz"), None);
        assert_eq!(t.remove(b"ab"), None);
        let mut topics = t.topics();
        topics.sort();
        assert_eq!(topics, vec![(vec![0x61, 0x00], 1), (b"abc".to_vec(), 1)]);
        t.take();
        assert!(t.is_empty());
    }

    #[test]
    fn matching_agrees_with_a_plain_scan() {
        // Topics sharing prefixes in every way, checked against the obvious definition.
        let topics: Vec<&[u8]> = vec![b"ab", b"abd", b"b", b"abcz", b"\x00", b"abc\x00", b"ac"];
        let mut t = Trie::default();
        for topic in &topics {
            t.add(topic);
        }
        let probes: Vec<&[u8]> = vec![
            b"",
            b"a",
            b"ab",
            b"abc",
            b"abcd",
            b"abcz!",
            b"abd",
            b"ac",
            b"ad",
            b"b",
            b"ba",
            b"\x00\x01",
            b"abc\x00x",
            b"zz",
            b"aa",
        ];
        for data in probes {
            let want = topics.iter().any(|p| data.starts_with(p));
            assert_eq!(t.matches(data), want, "{data:?}");
        }
    }

    #[test]
    fn a_huge_topic_costs_its_size_and_no_recursion() {
        let mut t = Trie::default();
        let topic = vec![b'x'; 4 << 20];
        assert!(t.add(&topic));
        let mut data = topic.clone();
        data.push(b'!');
        assert!(t.matches(&data));
        assert!(!t.matches(&topic[..topic.len() - 1]));
        assert_eq!(t.remove(&topic), Some(0));
        assert!(t.is_empty());
    }

    #[test]
    fn the_empty_topic_matches_everything_and_prunes() {
        let mut t = Trie::default();
        assert!(t.add(b""));
        assert!(t.matches(b"") && t.matches(&[0, 1, 2]));
        assert!(t.add(b"xyz"));
        assert_eq!(t.remove(b"xyz"), Some(0));
        assert_eq!(t.topics(), vec![(Vec::new(), 1)]);
        assert_eq!(t.remove(b""), Some(0));
        assert!(t.is_empty() && !t.matches(b"x"));
    }
}
