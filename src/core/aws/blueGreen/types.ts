/**
 * Domain types for RDS Blue/Green deployments. SDK shapes stay in this folder; the tree and the
 * commands work with these.
 */
import type { RdsDatabase } from '../types';

/**
 * The statuses AWS documents for a deployment, plus PROVISIONING_FAILED (seen in the field, not
 * in the API reference). Any other string AWS may add later passes through unchanged.
 */
export type BlueGreenStatus =
  | 'PROVISIONING'
  | 'AVAILABLE'
  | 'SWITCHOVER_IN_PROGRESS'
  | 'SWITCHOVER_COMPLETED'
  | 'INVALID_CONFIGURATION'
  | 'PROVISIONING_FAILED'
  | 'SWITCHOVER_FAILED'
  | 'DELETING'
  | (string & {});

/** One blue resource and its green counterpart (a cluster has one per member, plus itself). */
export interface SwitchoverMember {
  /** ARN in the blue environment. */
  readonly sourceMember: string;
  /** ARN in the green environment. */
  readonly targetMember?: string;
  /** PROVISIONING, AVAILABLE, SWITCHOVER_IN_PROGRESS, SWITCHOVER_COMPLETED, SWITCHOVER_FAILED, MISSING_SOURCE, MISSING_TARGET. */
  readonly status: string;
}

export interface BlueGreenTask {
  /** e.g. CREATING_READ_REPLICA_OF_SOURCE, DB_ENGINE_VERSION_UPGRADE, CONFIGURE_BACKUPS. */
  readonly name: string;
  /** PENDING, IN_PROGRESS, COMPLETED or FAILED. */
  readonly status: string;
}

export interface BlueGreenDeployment {
  /** BlueGreenDeploymentIdentifier, e.g. bgd-0123456789abcdef. */
  readonly id: string;
  readonly name: string;
  readonly region: string;
  /** The blue DB instance or cluster. After a switchover, the renamed old one (…-old1). */
  readonly sourceArn: string;
  /** The green DB instance or cluster. After a switchover, the one that took the blue name. */
  readonly targetArn?: string;
  readonly status: BlueGreenStatus;
  readonly statusDetails?: string;
  readonly switchoverDetails: readonly SwitchoverMember[];
  readonly tasks: readonly BlueGreenTask[];
  readonly createTime?: Date;
  readonly deleteTime?: Date;
}

/**
 * A source DB with the facts the preflight needs beyond RdsDatabase. readBlueGreenSource fills
 * them from a fresh describe; a plain RdsDatabase from the tree is accepted as is (the missing
 * facts are then not checked).
 */
export type BlueGreenSourceDb = RdsDatabase & {
  /** The instance (or cluster) this one replicates from, when it is a read replica. */
  readonly readReplicaSourceId?: string;
  /** The DB parameter group (instance) or DB cluster parameter group (cluster) in use. */
  readonly parameterGroupName?: string;
};

/** What the user picks for the green environment. Undefined: keep what blue has. */
export interface BlueGreenChoice {
  readonly name?: string;
  readonly targetEngineVersion?: string;
  /** A DB parameter group for an instance, a DB cluster parameter group for an Aurora cluster. */
  readonly targetParameterGroup?: string;
  /** DB instances only: AWS takes no instance class for an Aurora cluster's deployment. */
  readonly targetInstanceClass?: string;
}

export type BlueGreenRefusalCode =
  | 'noArn'
  | 'unsupportedEngine'
  | 'multiAzCluster'
  | 'clusterMember'
  | 'managedMasterPassword'
  | 'backupsOff'
  | 'readReplica'
  | 'notAvailable'
  | 'inDeployment'
  | 'notAnUpgrade'
  | 'invalidName'
  | 'nameTaken'
  | 'instanceClassOnCluster'
  // switchover and delete
  | 'invalidTimeout'
  | 'notReadyForSwitchover'
  | 'busy'
  | 'deleteTargetAfterSwitchover';

export interface BlueGreenRefusal {
  readonly code: BlueGreenRefusalCode;
  /** A sentence for the user: what is wrong and what to do about it. */
  readonly message: string;
}

/** An engine version the DB can move to (or stay on) in the green environment. */
export interface VersionOption {
  readonly engine: string;
  readonly engineVersion: string;
  /** DB parameter group family of that version, e.g. mysql8.4; undefined when not derivable. */
  readonly family?: string;
  /** The version blue runs now: green keeps it (a parameter or instance-class change only). */
  readonly current: boolean;
  readonly majorUpgrade: boolean;
  readonly description?: string;
}

/** A version from DescribeDBEngineVersions' ValidUpgradeTarget. */
export type UpgradeTarget = Omit<VersionOption, 'current'>;

export interface ParameterGroupOption {
  readonly name: string;
  readonly family: string;
  readonly description?: string;
  /** An AWS default group (default.<family>). */
  readonly isDefault: boolean;
  /** The group blue uses now. */
  readonly current: boolean;
  /** The one to preselect: blue's group when the family stays, else the family's default. */
  readonly recommended: boolean;
}

export interface InstanceClassOptions {
  /** Blue's class first, then the rest by family and size. */
  readonly classes: readonly string[];
  /** True when RDS listed no orderable classes (moto) and a built-in list stands in. */
  readonly fallback: boolean;
}

/** Phases for the tree's contextValue and icons; several statuses share one. */
export type BlueGreenPhase = 'provisioning' | 'available' | 'switchingOver' | 'switchedOver' | 'failed' | 'deleting' | 'unknown';
