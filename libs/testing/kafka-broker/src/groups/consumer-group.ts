import { randomUUID } from 'node:crypto';
import { ErrorCode } from '../protocol/api-keys';

export type GroupState = 'Empty' | 'PreparingRebalance' | 'CompletingRebalance' | 'Stable';

export interface GroupProtocol {
  name: string;
  metadata: Buffer;
}

export interface JoinRequest {
  memberId: string;
  clientId: string;
  clientHost: string;
  sessionTimeout: number;
  rebalanceTimeout: number;
  protocolType: string;
  protocols: GroupProtocol[];
  connectionId: number;
}

export interface JoinResponse {
  errorCode: number;
  generationId: number;
  protocolName: string | null;
  leaderId: string;
  memberId: string;
  members: Array<{ memberId: string; metadata: Buffer }>;
}

export interface SyncRequest {
  memberId: string;
  generationId: number;
  assignments: Array<{ memberId: string; assignment: Buffer }>;
  connectionId: number;
}

export interface SyncResponse {
  errorCode: number;
  assignment: Buffer;
}

interface Parked<T> {
  connectionId: number;
  respond: (response: T) => void;
}

export interface Member {
  memberId: string;
  clientId: string;
  clientHost: string;
  sessionTimeout: number;
  rebalanceTimeout: number;
  protocols: GroupProtocol[];
  assignment: Buffer;
  lastSeen: number;
  awaitingJoin?: Parked<JoinResponse>;
  awaitingSync?: Parked<SyncResponse>;
}

export interface CommittedOffset {
  offset: number;
  metadata: string | null;
}

const EMPTY: Buffer = Buffer.alloc(0);

/** Kafka's group.min/max.session.timeout.ms and group.initial.rebalance.delay.ms. */
export interface GroupSettings {
  minSessionTimeoutMs: number;
  maxSessionTimeoutMs: number;
  initialRebalanceDelayMs: number;
}

export const DEFAULT_GROUP_SETTINGS: GroupSettings = { minSessionTimeoutMs: 6000, maxSessionTimeoutMs: 1_800_000, initialRebalanceDelayMs: 0 };

/**
 * The classic consumer-group protocol for one group, as Kafka's GroupCoordinator runs it:
 * Empty -> PreparingRebalance (JoinGroups parked until every known member rejoined or the
 * rebalance timeout removed it) -> CompletingRebalance (followers' SyncGroups parked until the
 * leader sends the assignment) -> Stable. A join, a leave or an expired session starts over.
 */
export class ConsumerGroup {
  state: GroupState = 'Empty';
  generationId = 0;
  protocolType: string | null = null;
  protocolName: string | null = null;
  leaderId: string | null = null;
  readonly members = new Map<string, Member>();
  readonly committed = new Map<string, Map<number, CommittedOffset>>();
  /** Ids handed out with MEMBER_ID_REQUIRED (JoinGroup v4+), valid until the session timeout. */
  private readonly issuedMemberIds = new Map<string, number>();
  private rebalanceTimer?: NodeJS.Timeout;
  private initialDelayTimer?: NodeJS.Timeout;
  /** While set, the first rebalance of an empty group waits for more members (KIP-134). */
  private initialDelayUntil = 0;

  constructor(
    readonly groupId: string,
    private readonly log: (message: string) => void,
    private readonly settings: GroupSettings = DEFAULT_GROUP_SETTINGS,
  ) {}

  join(request: JoinRequest): Promise<JoinResponse> {
    const rejection = (errorCode: number, memberId = request.memberId): Promise<JoinResponse> =>
      Promise.resolve({ errorCode, generationId: -1, protocolName: null, leaderId: '', memberId, members: [] });
    if (request.sessionTimeout < this.settings.minSessionTimeoutMs || request.sessionTimeout > this.settings.maxSessionTimeoutMs) {
      return rejection(ErrorCode.InvalidSessionTimeout);
    }
    if (!this.acceptsProtocols(request)) return rejection(ErrorCode.InconsistentGroupProtocol);
    if (request.memberId === '') {
      const memberId = `${request.clientId}-${randomUUID()}`;
      this.issuedMemberIds.set(memberId, Date.now() + request.sessionTimeout);
      return rejection(ErrorCode.MemberIdRequired, memberId);
    }
    let member = this.members.get(request.memberId);
    if (!member) {
      if (!this.issuedMemberIds.delete(request.memberId)) return rejection(ErrorCode.UnknownMemberId);
      member = { memberId: request.memberId, clientId: request.clientId, clientHost: request.clientHost, assignment: EMPTY } as Member;
      this.members.set(member.memberId, member);
      this.log(`group ${this.groupId}: ${member.memberId} joins`);
    }
    Object.assign(member, {
      sessionTimeout: request.sessionTimeout,
      rebalanceTimeout: request.rebalanceTimeout,
      protocols: request.protocols,
      lastSeen: Date.now(),
    });
    this.protocolType = request.protocolType;
    const joined = new Promise<JoinResponse>((respond) => {
      (member as Member).awaitingJoin = { connectionId: request.connectionId, respond };
    });
    if (this.state !== 'PreparingRebalance') this.prepareRebalance();
    this.completeJoinIfAllRejoined();
    return joined;
  }

  sync(request: SyncRequest): Promise<SyncResponse> {
    const member = this.members.get(request.memberId);
    const answer = (errorCode: number, assignment = EMPTY): Promise<SyncResponse> => Promise.resolve({ errorCode, assignment });
    if (!member) return answer(ErrorCode.UnknownMemberId);
    if (request.generationId !== this.generationId) return answer(ErrorCode.IllegalGeneration);
    member.lastSeen = Date.now();
    if (this.state === 'Stable') return answer(ErrorCode.None, member.assignment);
    if (this.state !== 'CompletingRebalance') return answer(ErrorCode.RebalanceInProgress);
    if (member.memberId !== this.leaderId) {
      return new Promise((respond) => {
        member.awaitingSync = { connectionId: request.connectionId, respond };
      });
    }
    for (const each of this.members.values()) {
      each.assignment = request.assignments.find((a) => a.memberId === each.memberId)?.assignment ?? EMPTY;
    }
    this.state = 'Stable';
    this.log(`group ${this.groupId}: generation ${this.generationId} stable with ${this.members.size} member(s)`);
    for (const each of this.members.values()) {
      each.awaitingSync?.respond({ errorCode: ErrorCode.None, assignment: each.assignment });
      each.awaitingSync = undefined;
    }
    return answer(ErrorCode.None, member.assignment);
  }

  heartbeat(memberId: string, generationId: number): number {
    const member = this.members.get(memberId);
    if (!member) return ErrorCode.UnknownMemberId;
    member.lastSeen = Date.now();
    if (this.state === 'PreparingRebalance') return ErrorCode.RebalanceInProgress;
    if (generationId !== this.generationId) return ErrorCode.IllegalGeneration;
    return ErrorCode.None;
  }

  leave(memberId: string): number {
    const member = this.members.get(memberId);
    if (!member) return ErrorCode.UnknownMemberId;
    this.remove(member, 'left the group');
    return ErrorCode.None;
  }

  /** Kafka's rules for OffsetCommit; a valid commit also counts as a sign of life. */
  commitError(memberId: string, generationId: number): number {
    if (generationId < 0 && memberId === '' && this.state === 'Empty') return ErrorCode.None;
    if (this.state === 'CompletingRebalance') return ErrorCode.RebalanceInProgress;
    const member = this.members.get(memberId);
    if (!member) return ErrorCode.UnknownMemberId;
    if (generationId !== this.generationId) return ErrorCode.IllegalGeneration;
    member.lastSeen = Date.now();
    return ErrorCode.None;
  }

  /** Members that stopped heartbeating are removed; a parked JoinGroup keeps its member alive. */
  expireSessions(now: number): void {
    for (const member of [...this.members.values()]) {
      if (!member.awaitingJoin && now - member.lastSeen > member.sessionTimeout) {
        this.remove(member, `session timed out after ${member.sessionTimeout} ms`);
      }
    }
    for (const [memberId, expiresAt] of this.issuedMemberIds) {
      if (expiresAt < now) this.issuedMemberIds.delete(memberId);
    }
  }

  /**
   * A parked request whose socket closed will never be answered. Forgetting it lets the member's
   * session expire, where Kafka would wait out the (long) rebalance timeout.
   */
  abandonRequestsOf(connectionId: number): void {
    for (const member of this.members.values()) {
      if (member.awaitingJoin?.connectionId === connectionId) member.awaitingJoin = undefined;
      if (member.awaitingSync?.connectionId === connectionId) member.awaitingSync = undefined;
    }
  }

  stop(): void {
    clearTimeout(this.rebalanceTimer);
    clearTimeout(this.initialDelayTimer);
  }

  private acceptsProtocols(request: JoinRequest): boolean {
    if (this.state !== 'Empty' && this.protocolType !== request.protocolType) return false;
    const others = [...this.members.values()].filter((member) => member.memberId !== request.memberId);
    return others.length === 0 || request.protocols.some((protocol) => this.supportedByAll(protocol.name, others));
  }

  private supportedByAll(protocolName: string, members: Iterable<Member>): boolean {
    return [...members].every((member) => member.protocols.some((protocol) => protocol.name === protocolName));
  }

  private remove(member: Member, reason: string): void {
    this.members.delete(member.memberId);
    this.log(`group ${this.groupId}: ${member.memberId} removed, ${reason}`);
    member.awaitingJoin?.respond({ errorCode: ErrorCode.UnknownMemberId, generationId: -1, protocolName: null, leaderId: '', memberId: member.memberId, members: [] });
    member.awaitingSync?.respond({ errorCode: ErrorCode.UnknownMemberId, assignment: EMPTY });
    if (this.state === 'Stable' || this.state === 'CompletingRebalance') this.prepareRebalance();
    this.completeJoinIfAllRejoined();
  }

  private prepareRebalance(): void {
    if (this.state === 'Empty' && this.settings.initialRebalanceDelayMs > 0) {
      this.initialDelayUntil = Date.now() + this.settings.initialRebalanceDelayMs;
      clearTimeout(this.initialDelayTimer);
      this.initialDelayTimer = setTimeout(() => {
        this.initialDelayUntil = 0;
        this.completeJoinIfAllRejoined();
      }, this.settings.initialRebalanceDelayMs);
      this.initialDelayTimer.unref();
    }
    for (const member of this.members.values()) {
      member.awaitingSync?.respond({ errorCode: ErrorCode.RebalanceInProgress, assignment: EMPTY });
      member.awaitingSync = undefined;
    }
    this.state = 'PreparingRebalance';
    clearTimeout(this.rebalanceTimer);
    const timeout = Math.max(0, ...[...this.members.values()].map((member) => member.rebalanceTimeout));
    this.rebalanceTimer = setTimeout(() => this.onRebalanceTimeout(), timeout);
    this.rebalanceTimer.unref();
  }

  private onRebalanceTimeout(): void {
    for (const member of [...this.members.values()]) {
      if (!member.awaitingJoin) {
        this.members.delete(member.memberId);
        this.log(`group ${this.groupId}: ${member.memberId} removed, did not rejoin within the rebalance timeout`);
      }
    }
    this.completeJoin();
  }

  private completeJoinIfAllRejoined(): void {
    const members = [...this.members.values()];
    if (this.initialDelayUntil > Date.now()) return;
    if (this.state === 'PreparingRebalance' && members.every((member) => member.awaitingJoin)) this.completeJoin();
  }

  private completeJoin(): void {
    clearTimeout(this.rebalanceTimer);
    this.generationId++;
    if (this.members.size === 0) {
      this.state = 'Empty';
      this.protocolName = null;
      this.leaderId = null;
      return;
    }
    if (this.leaderId === null || !this.members.has(this.leaderId)) this.leaderId = this.members.keys().next().value as string;
    const leader = this.members.get(this.leaderId) as Member;
    const protocolName = leader.protocols.find((p) => this.supportedByAll(p.name, this.members.values()))?.name ?? null;
    this.protocolName = protocolName;
    this.state = 'CompletingRebalance';
    const memberList = [...this.members.values()].map((member) => ({
      memberId: member.memberId,
      metadata: member.protocols.find((p) => p.name === protocolName)?.metadata ?? EMPTY,
    }));
    const now = Date.now();
    for (const member of this.members.values()) {
      const parked = member.awaitingJoin as Parked<JoinResponse>;
      member.awaitingJoin = undefined;
      member.lastSeen = now;
      parked.respond({
        errorCode: ErrorCode.None,
        generationId: this.generationId,
        protocolName,
        leaderId: this.leaderId,
        memberId: member.memberId,
        members: member.memberId === this.leaderId ? memberList : [],
      });
    }
  }
}
