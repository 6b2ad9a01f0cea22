//! Which ready step goes first: the one with the longest weighted chain of
//! steps still waiting on it, so the critical path is never left queueing
//! behind work that can wait.

use crate::model::Graph;

/// For each step — given as what it waits for and its weight — the weight
/// of the heaviest chain that starts with it.
pub(super) fn priorities(steps: &[(Vec<usize>, u32)]) -> Vec<u32> {
    let graph = Graph::from_edges(steps.iter().map(|(waits_for, _)| waits_for.clone()).collect());
    let mut dependents: Vec<Vec<usize>> = vec![Vec::new(); steps.len()];
    for (index, (waits_for, _)) in steps.iter().enumerate() {
        for &wait in waits_for {
            dependents[wait].push(index);
        }
    }
    // Dependents before what they wait for: the reverse of the graph's order.
    let mut priority = vec![0u32; steps.len()];
    for node in graph.topological_order().into_iter().rev() {
        priority[node] = steps[node].1 + dependents[node].iter().map(|&d| priority[d]).max().unwrap_or(0);
    }
    priority
}

#[cfg(test)]
mod tests {
    use super::priorities;

    #[test]
    fn the_heaviest_chain_outranks_the_longest() {
        // 0 -> 1 (heavy), and 2 -> 3 -> 4 (light): 0 leads a chain of 1 + 12,
        // 2 one of 3.
        let steps = vec![
            (vec![], 1),
            (vec![0], 12),
            (vec![], 1),
            (vec![2], 1),
            (vec![3], 1),
        ];
        assert_eq!(priorities(&steps), [13, 12, 3, 2, 1]);
    }

    #[test]
    fn a_step_waited_on_by_several_takes_the_heaviest() {
        let steps = vec![(vec![], 2), (vec![0], 5), (vec![0], 1), (vec![2], 1)];
        assert_eq!(priorities(&steps), [7, 5, 2, 1]);
    }
}
