//! Engine layer: a counted prefix trie of subscription topics (RFC 29). A publisher keeps one per
//! subscriber and a subscriber one for itself; `matches` walks at most the message's first frame.
//! Invariants: a node's count is how many times its exact topic was added and not yet removed;
//! nodes with no count and no children are pruned, so an emptied trie holds no memory.

/// One node: the count of the topic that ends here, and the longer topics below it.
#[derive(Debug, Default, Clone)]
struct Node {
    count: u32,
    children: Vec<(u8, Node)>,
}

impl Node {
    fn child(&self, byte: u8) -> Option<&Node> {
        self.children
            .iter()
            .find(|(b, _)| *b == byte)
            .map(|(_, n)| n)
    }

    fn is_empty(&self) -> bool {
        self.count == 0 && self.children.is_empty()
    }

    /// Removes one count of `topic` below this node; true if it was there. Prunes empty nodes.
    fn remove(&mut self, topic: &[u8]) -> Option<u32> {
        let Some((&first, rest)) = topic.split_first() else {
            if self.count == 0 {
                return None;
            }
            self.count -= 1;
            return Some(self.count);
        };
        let index = self.children.iter().position(|(b, _)| *b == first)?;
        let left = self.children[index].1.remove(rest)?;
        if self.children[index].1.is_empty() {
            self.children.swap_remove(index);
        }
        Some(left)
    }

    fn collect(&self, prefix: &mut Vec<u8>, out: &mut Vec<(Vec<u8>, u32)>) {
        if self.count > 0 {
            out.push((prefix.clone(), self.count));
        }
        for (byte, node) in &self.children {
            prefix.push(*byte);
            node.collect(prefix, out);
            prefix.pop();
        }
    }
}

/// A multiset of topics, matched by prefix.
#[derive(Debug, Default, Clone)]
pub struct Trie {
    root: Node,
    topics: usize,
}

impl Trie {
    /// Adds one count of `topic`; true if the topic was not there before.
    pub fn add(&mut self, topic: &[u8]) -> bool {
        let mut node = &mut self.root;
        for &byte in topic {
            let index = match node.children.iter().position(|(b, _)| *b == byte) {
                Some(i) => i,
                None => {
                    node.children.push((byte, Node::default()));
                    node.children.len() - 1
                }
            };
            node = &mut node.children[index].1;
        }
        node.count += 1;
        if node.count == 1 {
            self.topics += 1;
        }
        node.count == 1
    }

    /// Removes one count of `topic`. `None` if it was not there; else the count left (0: gone).
    pub fn remove(&mut self, topic: &[u8]) -> Option<u32> {
        let left = self.root.remove(topic)?;
        if left == 0 {
            self.topics -= 1;
        }
        Some(left)
    }

    /// Whether `topic` itself is held.
    pub fn contains(&self, topic: &[u8]) -> bool {
        let mut node = &self.root;
        for &byte in topic {
            match node.child(byte) {
                Some(next) => node = next,
                None => return false,
            }
        }
        node.count > 0
    }

    /// Whether some topic is a prefix of `data` (the empty topic matches everything).
    pub fn matches(&self, data: &[u8]) -> bool {
        let mut node = &self.root;
        if node.count > 0 {
            return true;
        }
        for &byte in data {
            match node.child(byte) {
                Some(next) => node = next,
                None => return false,
            }
            if node.count > 0 {
                return true;
            }
        }
        false
    }

    /// Whether no topic is held.
    pub fn is_empty(&self) -> bool {
        self.topics == 0
    }

    /// Every distinct topic with its count.
    pub fn topics(&self) -> Vec<(Vec<u8>, u32)> {
        let mut out = Vec::with_capacity(self.topics);
        self.root.collect(&mut Vec::new(), &mut out);
        out
    }

    /// Empties the trie, returning what it held.
    pub fn take(&mut self) -> Vec<(Vec<u8>, u32)> {
        let topics = self.topics();
        *self = Trie::default();
        topics
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
        assert!(t.is_empty() && t.root.is_empty());
    }

    #[test]
    fn the_empty_topic_matches_everything_and_prunes() {
        let mut t = Trie::default();
        assert!(t.add(b""));
        assert!(t.matches(b"") && t.matches(&[0, 1, 2]));
        assert!(t.add(b"xyz"));
        assert_eq!(t.remove(b"xyz"), Some(0));
        assert!(t.root.children.is_empty(), "the xyz branch is pruned");
        assert_eq!(t.remove(b""), Some(0));
        assert!(t.is_empty() && !t.matches(b"x"));
    }
}
