//! The dependency graph of a plan's resources: references and AWS ordering
//! rules as edges, so apply can run everything else in parallel.

use std::collections::HashMap;

/// Nodes are indices into the slice the graph was built from; `edges[i]`
/// lists what node `i` depends on.
#[derive(Debug, Clone)]
pub struct Graph {
    edges: Vec<Vec<usize>>,
}

impl Graph {
    /// Builds the graph from each node's address and the addresses it depends
    /// on. Dependencies on addresses outside the set are ignored (they are
    /// already applied, or being deleted separately).
    pub fn new<'a>(nodes: impl IntoIterator<Item = (&'a str, Vec<String>)>) -> Graph {
        let nodes: Vec<(&str, Vec<String>)> = nodes.into_iter().collect();
        let index: HashMap<&str, usize> = nodes
            .iter()
            .enumerate()
            .map(|(i, (address, _))| (*address, i))
            .collect();
        let edges = nodes
            .iter()
            .map(|(_, dependencies)| {
                let mut found: Vec<usize> = dependencies
                    .iter()
                    .filter_map(|d| index.get(d.as_str()).copied())
                    .collect();
                found.sort_unstable();
                found.dedup();
                found
            })
            .collect();
        Graph { edges }
    }

    /// A graph given directly as each node's dependencies (indices).
    pub fn from_edges(edges: Vec<Vec<usize>>) -> Graph {
        Graph { edges }
    }

    pub fn len(&self) -> usize {
        self.edges.len()
    }

    pub fn is_empty(&self) -> bool {
        self.edges.is_empty()
    }

    pub fn dependencies(&self, node: usize) -> &[usize] {
        &self.edges[node]
    }

    /// A cycle, as the nodes along it, if there is one. The nodes the
    /// topological order cannot reach each wait for another such node, so
    /// following those waits from any of them comes back round.
    pub fn find_cycle(&self) -> Option<Vec<usize>> {
        let mut ordered = vec![false; self.len()];
        for node in self.topological_order() {
            ordered[node] = true;
        }
        let start = (0..self.len()).find(|&node| !ordered[node])?;
        let mut path = vec![start];
        let mut seen_at = vec![None; self.len()];
        seen_at[start] = Some(0);
        loop {
            let node = *path.last()?;
            let next = *self.edges[node].iter().find(|&&d| !ordered[d])?;
            if let Some(at) = seen_at[next] {
                return Some(path.split_off(at));
            }
            seen_at[next] = Some(path.len());
            path.push(next);
        }
    }

    /// Every node after all of its dependencies; ties keep input order.
    /// Call only on a graph without cycles.
    pub fn topological_order(&self) -> Vec<usize> {
        let mut dependents: Vec<Vec<usize>> = vec![Vec::new(); self.len()];
        let mut waiting: Vec<usize> = self.edges.iter().map(Vec::len).collect();
        for (node, dependencies) in self.edges.iter().enumerate() {
            for &dependency in dependencies {
                dependents[dependency].push(node);
            }
        }
        let mut ready: std::collections::BTreeSet<usize> =
            (0..self.len()).filter(|&n| waiting[n] == 0).collect();
        let mut order = Vec::with_capacity(self.len());
        while let Some(node) = ready.pop_first() {
            order.push(node);
            for &dependent in &dependents[node] {
                waiting[dependent] -= 1;
                if waiting[dependent] == 0 {
                    ready.insert(dependent);
                }
            }
        }
        order
    }

    /// The number of nodes on the longest chain of dependencies: the fewest
    /// sequential steps any apply needs.
    pub fn longest_chain(&self) -> usize {
        let mut depth = vec![0usize; self.len()];
        for node in self.topological_order() {
            depth[node] = 1 + self.edges[node].iter().map(|&d| depth[d]).max().unwrap_or(0);
        }
        depth.into_iter().max().unwrap_or(0)
    }
}

#[cfg(test)]
mod tests {
    use super::Graph;

    fn graph(edges: &[(&'static str, &[&str])]) -> Graph {
        Graph::new(
            edges
                .iter()
                .map(|(a, deps)| (*a, deps.iter().map(|d| d.to_string()).collect())),
        )
    }

    #[test]
    fn orders_dependencies_first_and_measures_the_longest_chain() {
        let g = graph(&[("c", &["b"]), ("b", &["a"]), ("a", &[]), ("d", &[])]);
        assert_eq!(g.topological_order(), [2, 1, 0, 3]);
        assert_eq!(g.longest_chain(), 3);
        assert!(g.find_cycle().is_none());
    }

    #[test]
    fn finds_cycles() {
        let g = graph(&[("a", &["b"]), ("b", &["c"]), ("c", &["a"]), ("d", &["a"])]);
        let cycle = g.find_cycle().expect("a cycle");
        assert_eq!(cycle.len(), 3);
        let own = graph(&[("a", &["a"])]);
        assert_eq!(own.find_cycle(), Some(vec![0]));
    }
}
