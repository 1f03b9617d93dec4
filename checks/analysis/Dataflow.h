//===- Dataflow.h - A forward dataflow solver on Clang's CFG --------------===//
//
// The worklist every per-function analysis of procshare runs (lock sets, the
// attribute objects of lock initialisations): states flow forward from the
// entry block to a fixpoint, joined where paths meet.
//
//===----------------------------------------------------------------------===//
#ifndef PROCSHARE_CHECKS_ANALYSIS_DATAFLOW_H
#define PROCSHARE_CHECKS_ANALYSIS_DATAFLOW_H

#include "clang/Analysis/CFG.h"
#include <deque>
#include <vector>

namespace procshare {

/// Solves a forward dataflow over \p G. \p In[B] receives the state on entry
/// to block B (it is resized to the number of blocks); unreached blocks keep
/// a default state. StateT has `bool Reached` and `bool join(const StateT &)`
/// (false when nothing changed; joining an unreached state changes nothing).
/// \p Transfer(Element, State&) applies one CFG element; \p Edge(Block, Out,
/// SuccessorIndex) gives the state along one successor edge (a branch can
/// refine it). A budget bounds the work on pathological CFGs.
template <typename StateT, typename TransferT, typename EdgeT>
void solveForward(const clang::CFG &G, std::vector<StateT> &In, StateT Entry,
                  TransferT Transfer, EdgeT Edge) {
  In.assign(G.getNumBlockIDs(), StateT());
  Entry.Reached = true;
  In[G.getEntry().getBlockID()] = std::move(Entry);
  std::deque<const clang::CFGBlock *> Work{&G.getEntry()};
  size_t Budget = 64 * (G.getNumBlockIDs() + 8);
  while (!Work.empty() && Budget--) {
    const clang::CFGBlock *B = Work.front();
    Work.pop_front();
    StateT Out = In[B->getBlockID()];
    for (const clang::CFGElement &E : *B)
      Transfer(E, Out);
    unsigned Index = 0;
    for (const clang::CFGBlock::AdjacentBlock &Succ : B->succs()) {
      const clang::CFGBlock *S = Succ.getReachableBlock();
      unsigned I = Index++;
      if (S && In[S->getBlockID()].join(Edge(*B, Out, I)))
        Work.push_back(S);
    }
  }
}

/// As above, with states flowing unchanged along every edge.
template <typename StateT, typename TransferT>
void solveForward(const clang::CFG &G, std::vector<StateT> &In, StateT Entry,
                  TransferT Transfer) {
  solveForward(G, In, std::move(Entry), Transfer,
               [](const clang::CFGBlock &, const StateT &Out, unsigned) -> const StateT & {
                 return Out;
               });
}

} // namespace procshare

#endif
