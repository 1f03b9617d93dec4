//===- RegionState.h - The path states of the process-region analysis ----===//
//
// What ProcessRegions' dataflow knows on a path: which processes may be on
// it (a set of role and flag combinations: before the fork, child, parent,
// failure; went through a failed exec, last call may not return, has waited
// for the child), and the places whose value it knows in terms of them
// (holders: the fork result, a constant, a boolean derived from the fork
// result), per lane (a role, and whether the parent has waited). States join
// where paths meet. Used by ProcessRegions.cpp only.
//
//===----------------------------------------------------------------------===//
#ifndef PROCSHARE_CHECKS_ANALYSIS_REGIONSTATE_H
#define PROCSHARE_CHECKS_ANALYSIS_REGIONSTATE_H

#include "checks/analysis/ProcessRegions.h"

#include "clang/AST/OperationKinds.h"
#include "clang/AST/Expr.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SmallVector.h"
#include <cstdint>
#include <string>

namespace procshare {
namespace regions {

using clang::BinaryOperatorKind;

// A path state is a set of (role, flags) pairs: bit (RoleIndex * 8 + Flags).
using Combos = uint32_t;
enum Flag : unsigned {
  FlagExecFailed = 1,  ///< went through an exec* that returned (failed)
  FlagUnknownTail = 2, ///< the last call may not return (body not visible)
  FlagWaited = 4,      ///< has called a wait-like function since the fork
};
inline constexpr unsigned NumRoles = 4, FlagSets = 8;

inline unsigned roleIndex(Role R) {
  switch (R) {
  case RolePre:
    return 0;
  case RoleChild:
    return 1;
  case RoleParent:
    return 2;
  case RoleFailure:
    return 3;
  }
  return 0;
}

inline Combos combo(Role R, unsigned Flags = 0) {
  return Combos(1u << (roleIndex(R) * FlagSets + Flags));
}

inline RoleSet rolesIn(Combos C) {
  RoleSet Out = 0;
  for (unsigned R = 0; R < NumRoles; ++R)
    if ((C >> (R * FlagSets)) & 0xFF)
      Out |= RoleSet(1u << R);
  return Out;
}

inline Combos keepRoles(Combos C, RoleSet Keep) {
  Combos Mask = 0;
  for (unsigned R = 0; R < NumRoles; ++R)
    if (Keep & (1u << R))
      Mask |= Combos(0xFFu << (R * FlagSets));
  return C & Mask;
}

template <typename Fn> inline Combos mapFlags(Combos C, Fn F) {
  Combos Out = 0;
  for (unsigned Bit = 0; Bit < NumRoles * FlagSets; ++Bit)
    if (C & (1u << Bit))
      Out |= Combos(1u << ((Bit / FlagSets) * FlagSets + F(Bit % FlagSets)));
  return Out;
}

/// The roles of the pairs that carry \p Flag.
inline RoleSet rolesWith(Combos C, unsigned Flag) {
  RoleSet Out = 0;
  for (unsigned Bit = 0; Bit < NumRoles * FlagSets; ++Bit)
    if ((C & (1u << Bit)) && ((Bit % FlagSets) & Flag))
      Out |= RoleSet(1u << (Bit / FlagSets));
  return Out;
}

/// The roles of the combinations without \p Flag.
inline RoleSet rolesWithout(Combos C, unsigned Flag) {
  RoleSet Out = 0;
  for (unsigned Bit = 0; Bit < NumRoles * FlagSets; ++Bit)
    if ((C & (1u << Bit)) && !((Bit % FlagSets) & Flag))
      Out |= RoleSet(1u << (Bit / FlagSets));
  return Out;
}

inline bool allHave(Combos C, unsigned Flag) {
  if (!C)
    return false;
  for (unsigned Bit = 0; Bit < NumRoles * FlagSets; ++Bit)
    if ((C & (1u << Bit)) && !((Bit % FlagSets) & Flag))
      return false;
  return true;
}

/// What holders know is kept per lane: a role, and whether the parent has
/// waited since the fork. A parent that reaped its child and one whose child
/// still runs may hold different values in one variable (`pid = -1` at the
/// top of a round that may not fork, the pid of this round's child on the
/// other path), and `if (pid > 0) wait...` must tell them apart.
using LaneSet = uint8_t;
inline constexpr unsigned NumLanes = NumRoles * 2;

inline unsigned laneOf(unsigned Bit) {
  return (Bit / FlagSets) * 2 + (((Bit % FlagSets) & FlagWaited) ? 1 : 0);
}
inline LaneSet lanesIn(Combos C) {
  LaneSet Out = 0;
  for (unsigned Bit = 0; Bit < NumRoles * FlagSets; ++Bit)
    if (C & (1u << Bit))
      Out |= LaneSet(1u << laneOf(Bit));
  return Out;
}
inline Combos keepLanes(Combos C, LaneSet Keep) {
  Combos Out = 0;
  for (unsigned Bit = 0; Bit < NumRoles * FlagSets; ++Bit)
    if ((C & (1u << Bit)) && (Keep & (1u << laneOf(Bit))))
      Out |= Combos(1u << Bit);
  return Out;
}
/// Both lanes of each role in \p R.
inline LaneSet lanesOf(RoleSet R) {
  LaneSet Out = 0;
  for (unsigned I = 0; I < NumRoles; ++I)
    if (R & (1u << I))
      Out |= LaneSet(3u << (I * 2));
  return Out;
}
inline Role roleOfLane(unsigned Lane) { return Role(1u << (Lane / 2)); }
inline const LaneSet PreLanes = lanesOf(RolePre);

/// A place (variable, member, array element) whose value the analysis
/// knows in terms of the processes, per lane:
///  - Value: holds the fork result (PidLanes: `pid = fork()`), or a
///           constant (Known: `child = 1;` in the child, `int child = 0;`
///           before the fork, so 0 in both afterwards);
///  - Pred:  holds a boolean derived from the fork result
///           (`int in_child = pid == 0;`), or one a branch tested: the
///           lanes where it may be true, and may be false.
/// Either may also hold the process's own id, taken after the fork
/// (SelfLanes: `cxt->pid = getpid()` in the child).
struct Holder {
  enum Kind : uint8_t { Value, Pred };
  Kind K = Value;
  std::string Key;
  LaneSet TrueLanes = 0, FalseLanes = 0; // Pred
  LaneSet PidLanes = 0;                  // Value: holds the fork result
  LaneSet Known = 0;                     // Value: holds Values[lane]
  LaneSet SelfLanes = 0;                 // holds getpid() of that process
  int64_t Values[NumLanes] = {};
  bool NonLocal = false;

  bool operator==(const Holder &O) const {
    if (K != O.K || Key != O.Key || NonLocal != O.NonLocal || TrueLanes != O.TrueLanes ||
        FalseLanes != O.FalseLanes || PidLanes != O.PidLanes || Known != O.Known ||
        SelfLanes != O.SelfLanes)
      return false;
    for (unsigned L = 0; L < NumLanes; ++L)
      if ((Known & (1u << L)) && Values[L] != O.Values[L])
        return false;
    return true;
  }
  /// Knows something on some lane.
  bool useful() const {
    return SelfLanes || (K == Pred ? TrueLanes != FalseLanes : (PidLanes | Known) != 0);
  }
  /// What it knows on \p Lane is what \p O knows on \p OLane.
  bool sameOn(unsigned Lane, const Holder &O, unsigned OLane) const {
    auto Has = [](LaneSet Lanes, unsigned L) { return bool(Lanes & (1u << L)); };
    if (K != O.K || Has(SelfLanes, Lane) != Has(O.SelfLanes, OLane))
      return false;
    if (K == Pred)
      return Has(TrueLanes, Lane) == Has(O.TrueLanes, OLane) &&
             Has(FalseLanes, Lane) == Has(O.FalseLanes, OLane);
    if (Has(PidLanes, Lane) != Has(O.PidLanes, OLane) ||
        Has(Known, Lane) != Has(O.Known, OLane))
      return false;
    return !Has(Known, Lane) || Values[Lane] == O.Values[OLane];
  }
  bool sameOn(unsigned Lane, const Holder &O) const { return sameOn(Lane, O, Lane); }
  /// Copies what \p From knows on lane \p FromLane to lane \p Lane.
  void copyLane(unsigned Lane, const Holder &From, unsigned FromLane) {
    LaneSet Bit = LaneSet(1u << Lane), FromBit = LaneSet(1u << FromLane);
    auto Set = [&](LaneSet &Lanes, LaneSet FromLanes) {
      Lanes = (Lanes & ~Bit) | ((FromLanes & FromBit) ? Bit : 0);
    };
    Set(TrueLanes, From.TrueLanes);
    Set(FalseLanes, From.FalseLanes);
    Set(PidLanes, From.PidLanes);
    Set(Known, From.Known);
    Set(SelfLanes, From.SelfLanes);
    Values[Lane] = From.Values[FromLane];
  }
  /// Forgets what it knows on the lanes \p Lanes (a predicate may then be
  /// either).
  void forget(LaneSet Lanes) {
    if (K == Pred) {
      TrueLanes |= Lanes;
      FalseLanes |= Lanes;
    }
    PidLanes &= ~Lanes;
    Known &= ~Lanes;
    SelfLanes &= ~Lanes;
  }
};

struct State {
  Combos C = 0;
  llvm::SmallVector<Holder, 2> Holders;
  const clang::CallExpr *LastExec = nullptr;

  const Holder *holder(const std::string &Key) const {
    for (const Holder &H : Holders)
      if (H.Key == Key)
        return &H;
    return nullptr;
  }
  void kill(const std::string &Key) {
    llvm::erase_if(Holders, [&](const Holder &H) {
      return H.Key.find(Key) != std::string::npos;
    });
  }
  /// Forgets the facts about what the pointer \p Key points to (`*p`,
  /// `p->f`): a callee handed the pointer may change it.
  void killPointee(const std::string &Key) {
    std::string Deref = "*(" + Key + ")", Member = Key + ".";
    llvm::erase_if(Holders, [&](const Holder &H) {
      return H.K == Holder::Pred && (H.Key.find(Deref) != std::string::npos ||
                                     H.Key.find(Member) != std::string::npos);
    });
  }
  /// Sets the flags of every combination to \p F(flags); holders move with
  /// their lanes, and where two lanes meet keep only what both knew.
  template <typename Fn> void mapCombos(Fn F) {
    LaneSet Before = lanesIn(C);
    unsigned To[NumLanes];
    for (unsigned L = 0; L < NumLanes; ++L)
      To[L] = L;
    bool Moves = false;
    for (unsigned Bit = 0; Bit < NumRoles * FlagSets; ++Bit)
      if (C & (1u << Bit)) {
        unsigned L = laneOf(Bit);
        To[L] = laneOf((Bit / FlagSets) * FlagSets + F(Bit % FlagSets));
        Moves |= To[L] != L;
      }
    C = mapFlags(C, F);
    if (!Moves)
      return;
    for (Holder &H : Holders) {
      Holder Old = H;
      H.forget(Before);
      LaneSet Filled = 0, Clash = 0;
      for (unsigned L = 0; L < NumLanes; ++L) {
        if (!(Before & (1u << L)))
          continue;
        unsigned T = To[L];
        if (!(Filled & (1u << T))) {
          H.copyLane(T, Old, L);
          Filled |= LaneSet(1u << T);
        } else if (!H.sameOn(T, Old, L)) {
          Clash |= LaneSet(1u << T);
        }
      }
      H.forget(Clash);
    }
    llvm::erase_if(Holders, [](const Holder &H) { return !H.useful(); });
  }
  /// Joins \p O into this state; true when this state grew.
  bool join(const State &O) {
    if (!O.C)
      return false;
    if (!C) {
      *this = O;
      return true;
    }
    LaneSet LA = lanesIn(C), LB = lanesIn(O.C);
    llvm::SmallVector<Holder, 2> Out;
    // Per lane: what the side that has the lane knows; where both have it,
    // what both know alike. A path on which no fork happened (only the
    // pre-fork lanes) so keeps the other side's fork result, as when
    // `pid = fork()` on one branch and `pid = other()` on the other.
    auto JoinHolder = [&](const Holder *A, const Holder *B) {
      Holder J = A ? *A : *B;
      if (A && B && A->K != B->K)
        return; // a predicate on one side, a value on the other
      J.TrueLanes = J.FalseLanes = J.PidLanes = J.Known = J.SelfLanes = 0;
      for (unsigned L = 0; L < NumLanes; ++L) {
        LaneSet Bit = LaneSet(1u << L);
        bool InA = LA & Bit, InB = LB & Bit;
        if (!InA && !InB)
          continue;
        const Holder *From = InA ? A : B;
        if (!From || (InA && InB && (!A || !B || !A->sameOn(L, *B)))) {
          J.forget(Bit);
          continue;
        }
        J.copyLane(L, *From, L);
      }
      if (J.useful())
        Out.push_back(J);
    };
    for (const Holder &H : Holders)
      JoinHolder(&H, O.holder(H.Key));
    for (const Holder &H : O.Holders)
      if (!holder(H.Key))
        JoinHolder(nullptr, &H);
    bool Changed = (C | O.C) != C || Out.size() != Holders.size();
    for (size_t I = 0; !Changed && I < Out.size(); ++I)
      Changed = !(Out[I] == Holders[I]);
    C |= O.C;
    Holders = std::move(Out);
    if (!LastExec)
      LastExec = O.LastExec;
    return Changed;
  }
};

enum class Tri { True, False, Unknown };

struct Interval {
  int64_t Lo, Hi;
};

inline Tri compare(BinaryOperatorKind Op, Interval V, int64_t C) {
  auto Res = [](bool AllTrue, bool AllFalse) {
    return AllTrue ? Tri::True : AllFalse ? Tri::False : Tri::Unknown;
  };
  switch (Op) {
  case clang::BO_EQ:
    return Res(V.Lo == C && V.Hi == C, C < V.Lo || C > V.Hi);
  case clang::BO_NE:
    return Res(C < V.Lo || C > V.Hi, V.Lo == C && V.Hi == C);
  case clang::BO_LT:
    return Res(V.Hi < C, V.Lo >= C);
  case clang::BO_LE:
    return Res(V.Hi <= C, V.Lo > C);
  case clang::BO_GT:
    return Res(V.Lo > C, V.Hi <= C);
  case clang::BO_GE:
    return Res(V.Lo >= C, V.Hi < C);
  default:
    return Tri::Unknown;
  }
}

inline BinaryOperatorKind mirror(BinaryOperatorKind Op) {
  switch (Op) {
  case clang::BO_LT:
    return clang::BO_GT;
  case clang::BO_GT:
    return clang::BO_LT;
  case clang::BO_LE:
    return clang::BO_GE;
  case clang::BO_GE:
    return clang::BO_LE;
  default:
    return Op;
  }
}

/// The lanes where a condition may be true, and may be false.
struct CondLanes {
  LaneSet True, False;
};

/// The lanes where the truth value a predicate holder knows may be true, and
/// may be false (a lane it says nothing of may be either).
inline CondLanes truthLanes(const Holder &H) {
  LaneSet Either = LaneSet(~(H.TrueLanes | H.FalseLanes));
  return CondLanes{LaneSet(H.TrueLanes | Either), LaneSet(H.FalseLanes | Either)};
}

} // namespace regions
} // namespace procshare

#endif
